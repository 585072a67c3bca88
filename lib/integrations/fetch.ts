/**
 * `guardedFetch(pack)`: a fetch-compatible function that applies a pack to what an application
 * sends to an LLM provider and to what comes back. Hand it to an SDK (`new OpenAI({ fetch })`) or
 * call it directly.
 *
 * - Request bodies (JSON, or any text) go through the chain as a provider call; blocked requests
 *   never leave the process and get an OpenAI-style error Response (status and code as the
 *   gateway's), which SDKs raise as API errors.
 * - When the pack lists `data-routing-policy`, the destination must be the base URL of a target
 *   the policy allows (a compliant target, or the fallback); anything else is refused with
 *   `cardveil_no_compliant_provider`.
 * - JSON and text answers are checked and rewritten; `text/event-stream` answers are rewritten on
 *   the fly (SseRewriter, same holdback as the gateway). Binary answers (audio, images) pass.
 * - One audit record per call (event `fetch.request`).
 */
import { reasonCodes } from '../gateway/content.js';
import { errorBody, type GatewayErrorCode } from '../gateway/errors.js';
import { JsonGuard, type GuardExchange, type GuardOptions } from '../gateway/guard.js';
import { SseRewriter } from '../gateway/sse.js';
import type { Pack, PackInput } from '../policy/schema.js';
import { baseUrlOf } from '../routing/providers.js';

export interface FetchGuardOptions extends GuardOptions {
  /** The fetch to wrap (default: global fetch). */
  readonly fetch?: typeof fetch;
  /** Actor recorded in the audit trail (default `application`). */
  readonly actor?: string;
}

export type GuardedFetch = typeof fetch & { readonly guard: JsonGuard };

function errorResponse(x: GuardExchange, status: number, code: GatewayErrorCode, message: string): Response {
  return new Response(errorBody(code, message), {
    status,
    headers: { 'content-type': 'application/json', 'x-cardveil-verdict': 'blocked', 'x-request-id': x.id },
  });
}

/**
 * @example
 * import OpenAI from 'openai';
 * const client = new OpenAI({ apiKey, fetch: guardedFetch('pack.yaml') });
 * await client.chat.completions.create({ model: 'gpt-4o-mini', messages }); // card data never leaves
 */
export function guardedFetch(pack: Pack | PackInput | string, options: FetchGuardOptions = {}): GuardedFetch {
  const { fetch: inner = globalThis.fetch, actor = 'application', ...guardOptions } = options;
  const guard = new JsonGuard(pack, { auditEvent: 'fetch.request', providerCall: true, ...guardOptions });
  const runtime = guard.runtime;
  const routed = runtime.engine.pack.policies.chain.includes('data-routing-policy');
  const rejected = new Set(runtime.router.rejected.map((r) => r.id));
  const fallback = runtime.router.policy.on_no_compliant_provider;
  const allowedBases = runtime.router.targets
    .filter((t) => !rejected.has(t.id) || t.id === fallback)
    .map((t) => {
      try {
        return baseUrlOf(t);
      } catch {
        return undefined;
      }
    })
    .filter((u): u is string => u !== undefined);

  const guarded = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const x = guard.start({ actor, source: 'local', resource: `${request.method} ${url.origin}${url.pathname}` });
    const refuse = (status: number, code: GatewayErrorCode, message: string): Response => {
      guard.finish(x, status);
      return errorResponse(x, status, code, message);
    };

    if (routed && !allowedBases.some((base) => request.url.startsWith(`${base}/`) || request.url === base)) {
      x.reasons.push('gateway:cardveil_no_compliant_provider');
      x.verdict = 'blocked';
      return refuse(403, 'cardveil_no_compliant_provider', `destination ${url.origin} is not a provider target the data-routing policy allows`);
    }

    let body: string | undefined;
    if (request.body !== null) {
      const raw = await request.text();
      let value: unknown = raw;
      try {
        value = JSON.parse(raw);
      } catch {
        // Not JSON: checked as one text.
      }
      const checked = guard.request(x, value);
      if (!checked.ok) return refuse(checked.error.status, checked.error.code, checked.error.message);
      body = checked.value === value ? raw : typeof checked.value === 'string' ? checked.value : JSON.stringify(checked.value);
    }

    let response: Response;
    try {
      const headers = new Headers(request.headers);
      headers.delete('content-length');
      response = await inner(request.url, {
        method: request.method,
        headers,
        ...(body === undefined ? {} : { body }),
        signal: request.signal,
      });
    } catch (error) {
      x.failed = true;
      x.reasons.push('gateway:cardveil_upstream_error');
      guard.finish(x, 502);
      throw error;
    }

    const type = response.headers.get('content-type') ?? '';
    const headers = new Headers(response.headers);
    headers.delete('content-length');
    headers.delete('content-encoding');
    headers.set('x-request-id', x.id);

    if (type.includes('text/event-stream') && response.body !== null) {
      return new Response(rewriteStream(guard, x, response), { status: response.status, statusText: response.statusText, headers });
    }
    if (!type.includes('json') && !type.startsWith('text/')) {
      headers.set('x-cardveil-verdict', x.verdict);
      guard.finish(x, response.status);
      return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
    }
    const raw = await response.text();
    let value: unknown = raw;
    if (type.includes('json')) {
      try {
        value = JSON.parse(raw);
      } catch {
        // Checked as text.
      }
    }
    const checked = guard.response(x, value);
    if (!checked.ok) return refuse(checked.error.status, checked.error.code, checked.error.message);
    const out = checked.value === value ? raw : typeof checked.value === 'string' ? checked.value : JSON.stringify(checked.value);
    headers.set('x-cardveil-verdict', x.verdict);
    if (!guard.finish(x, response.status)) {
      return errorResponse(x, 500, 'cardveil_audit_failed', 'the audit record could not be written; the answer was withheld');
    }
    return new Response(out, { status: response.status, statusText: response.statusText, headers });
  };
  return Object.assign(guarded, { guard }) as GuardedFetch;
}

/** The answer's SSE stream, rewritten; audits when it ends. */
function rewriteStream(guard: JsonGuard, x: GuardExchange, response: Response): ReadableStream<Uint8Array> {
  const rewriter = new SseRewriter(guard.runtime.options.evaluate, { requestId: x.id, actor: x.actor, source: x.source, direction: 'response' });
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let status = response.status;
  const stop = (controller: ReadableStreamDefaultController<Uint8Array>, code: GatewayErrorCode, message: string, out: string): void => {
    x.failed = true;
    x.reasons.push(`gateway:${code}`);
    if (code !== 'cardveil_upstream_error') x.verdict = 'blocked';
    status = code === 'cardveil_upstream_error' ? 502 : 422;
    controller.enqueue(encoder.encode(`${out}data: ${errorBody(code, message)}\n\n`));
    void reader.cancel();
    guard.finish(x, status);
    controller.close();
  };
  return new ReadableStream<Uint8Array>({
    // Loops until it has something to hand over: a pull that enqueues nothing would stall the stream.
    async pull(controller) {
      for (;;) {
        let chunk;
        try {
          chunk = await reader.read();
        } catch {
          stop(controller, 'cardveil_upstream_error', 'provider stream failed', '');
          return;
        }
        const step = chunk.done ? rewriter.end() : rewriter.write(decoder.decode(chunk.value, { stream: true }));
        if (step.kind === 'blocked') {
          stop(controller, 'cardveil_response_blocked', `the provider response was blocked by policy (${reasonCodes(step.result.reasons).join(', ')})`, step.out);
          return;
        }
        if (step.kind === 'invalid') {
          stop(controller, 'cardveil_upstream_error', 'provider sent a stream event that is not JSON', step.out);
          return;
        }
        if (step.out !== '') controller.enqueue(encoder.encode(step.out));
        if (chunk.done) {
          if (rewriter.redacted && x.verdict === 'allowed') x.verdict = 'redacted';
          guard.finish(x, status);
          controller.close();
          return;
        }
        if (step.out !== '') return;
      }
    },
    cancel() {
      void reader.cancel();
      guard.finish(x, 499);
    },
  });
}
