/**
 * The gateway's error answers, in the OpenAI envelope `{"error":{"message","type","param","code"}}`
 * so OpenAI clients surface them as ordinary API errors. Codes are stable; messages carry reason
 * codes and target ids only, never request or response content.
 *
 * | status | code                            | when                                                        |
 * | ------ | ------------------------------- | ----------------------------------------------------------- |
 * | 400    | cardveil_blocked                | the pack blocked the request content                         |
 * | 403    | cardveil_no_compliant_provider  | no target meets the data-routing policy (and no fallback)    |
 * | 422    | cardveil_response_blocked       | the pack blocked the provider's response                     |
 * | 400    | cardveil_invalid_request        | body is not the JSON the endpoint expects                    |
 * | 404    | cardveil_not_found              | unknown path                                                 |
 * | 405    | cardveil_method_not_allowed     | wrong method                                                 |
 * | 413    | cardveil_body_too_large         | body above the size limit                                    |
 * | 500    | cardveil_detection_failed       | detection or a chain link failed: nothing was forwarded      |
 * | 500    | cardveil_audit_failed           | the audit record could not be written: nothing was returned  |
 * | 502    | cardveil_upstream_error         | provider unreachable, or its answer unreadable               |
 * | 504    | cardveil_upstream_timeout       | provider did not answer within the target's `timeout_ms`     |
 *
 * 4xx for policy outcomes: OpenAI clients retry 5xx and 429 automatically, and a blocked prompt
 * must not be re-sent three times.
 */
import type { ServerResponse } from 'node:http';

export const GATEWAY_ERRORS = {
  cardveil_blocked: { status: 400, type: 'invalid_request_error' },
  cardveil_no_compliant_provider: { status: 403, type: 'permission_error' },
  cardveil_response_blocked: { status: 422, type: 'invalid_request_error' },
  cardveil_invalid_request: { status: 400, type: 'invalid_request_error' },
  cardveil_not_found: { status: 404, type: 'invalid_request_error' },
  cardveil_method_not_allowed: { status: 405, type: 'invalid_request_error' },
  cardveil_body_too_large: { status: 413, type: 'invalid_request_error' },
  cardveil_detection_failed: { status: 500, type: 'server_error' },
  cardveil_audit_failed: { status: 500, type: 'server_error' },
  cardveil_upstream_error: { status: 502, type: 'server_error' },
  cardveil_upstream_timeout: { status: 504, type: 'server_error' },
} as const;

export type GatewayErrorCode = keyof typeof GATEWAY_ERRORS;

/** A failure the gateway answers with one of its error codes. */
export class GatewayError extends Error {
  readonly code: GatewayErrorCode;
  readonly param: string | null;

  constructor(code: GatewayErrorCode, message: string, param: string | null = null) {
    super(message);
    this.name = 'GatewayError';
    this.code = code;
    this.param = param;
  }

  get status(): number {
    return GATEWAY_ERRORS[this.code].status;
  }
}

/** The OpenAI-style error body for `code`. */
export function errorBody(code: GatewayErrorCode, message: string, param: string | null = null): string {
  return JSON.stringify({ error: { message, type: GATEWAY_ERRORS[code].type, param, code } });
}

/** Sends `error` as the whole response (headers included). */
export function sendError(res: ServerResponse, error: GatewayError, headers: Record<string, string> = {}): void {
  const body = errorBody(error.code, error.message, error.param);
  res.writeHead(error.status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}
