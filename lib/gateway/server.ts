/**
 * The OpenAI-compatible gateway: `POST /v1/chat/completions` (plain and `stream: true`),
 * `POST /v1/embeddings`, `GET /v1/models`, `GET /healthz`, on node:http.
 *
 * Per request: read the body (bounded), run the chain over every string in it (request
 * direction, `providerCall: true`, so the routing link runs), pick the target, forward the
 * sanitized body to the target with the target's key, run the chain over the answer (response
 * direction; streamed answers through SseRewriter), write ONE audit record, answer. Nothing goes
 * upstream unless every evaluation succeeded; nothing comes back unchecked. The client's own
 * Authorization header is never forwarded (the gateway holds provider keys); it only identifies
 * the caller in the audit trail.
 *
 * Headers on every answer: `x-request-id`, `x-cardveil-verdict` (allowed | redacted | blocked; for
 * streams, the request's verdict, sent before the answer exists), `x-cardveil-target`.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AuditLogger } from '../audit/logger.js';
import type { PackIdentity, Reason, Verdict } from '../policy/chain.js';
import { describeRejections } from '../routing/link.js';
import { baseUrlOf } from '../routing/providers.js';
import type { RoutingDecision, Router } from '../routing/router.js';
import type { Target } from '../routing/schema.js';
import { exchangeSummary, guardJson, reasonCodes, type Evaluate } from './content.js';
import { GatewayError, errorBody, sendError } from './errors.js';
import { actorOf, parseJsonObject, readBody, sourceOf } from './http-util.js';
import { SseRewriter } from './sse.js';
import { UpstreamCall } from './upstream.js';

export interface GatewayOptions {
  /** Runs the pack's chain on one text. */
  readonly evaluate: Evaluate;
  readonly identity: PackIdentity;
  readonly router: Router;
  /** API key per target id (targets without `secret_key_ref` are called without one). */
  readonly apiKeys: ReadonlyMap<string, string>;
  /** The audit-logger link given to the chain, when the pack has one. */
  readonly audit?: AuditLogger;
  /** Largest accepted request body, bytes (default 4 MiB). */
  readonly maxBodyBytes?: number;
}

const SEVERITY: Record<Verdict, number> = { allowed: 0, redacted: 1, blocked: 2 };
const worst = (a: Verdict, b: Verdict): Verdict => (SEVERITY[b] > SEVERITY[a] ? b : a);

/** Gateway path -> provider path. A Map: a path like `/toString` must not find an inherited key. */
const ENDPOINTS: ReadonlyMap<string, string> = new Map([
  ['/v1/chat/completions', '/chat/completions'],
  ['/v1/embeddings', '/embeddings'],
]);

/** What one request accumulates for its audit record. */
interface Exchange {
  readonly id: string;
  readonly started: number;
  readonly resource: string;
  readonly actor: string;
  readonly source: string;
  verdict: Verdict;
  target: Target | undefined;
  decision: RoutingDecision | undefined;
  reasons: string[];
  failed: boolean;
  /** The audit record was written (exactly one per request). */
  recorded: boolean;
}

function blockedError(reasons: readonly Reason[], direction: 'request' | 'response'): GatewayError {
  const codes = reasonCodes(reasons);
  if (codes.some((c) => c.endsWith(':internal_error') || c.endsWith(':link_failed'))) {
    return new GatewayError('cardveil_detection_failed', `detection failed; the ${direction} was withheld (${codes.join(', ')})`);
  }
  if (direction === 'response') {
    return new GatewayError('cardveil_response_blocked', `the provider's response was blocked by policy (${codes.join(', ')})`);
  }
  return new GatewayError('cardveil_blocked', `request blocked by policy (${codes.join(', ')})`);
}

/** The gateway's request handler (usable with any node:http server). */
export function createGatewayHandler(options: GatewayOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const maxBody = options.maxBodyBytes ?? 4 * 1024 * 1024;
  const { evaluate, router, audit } = options;

  const headersOf = (x: Exchange): Record<string, string> => ({
    'x-request-id': x.id,
    'x-cardveil-verdict': x.verdict,
    ...(x.target === undefined ? {} : { 'x-cardveil-target': x.target.id }),
  });

  /** Writes the audit record; false when that failed (the caller must not deliver content). */
  const record = (x: Exchange, status: number): boolean => {
    if (audit === undefined || x.recorded) return true;
    x.recorded = true;
    try {
      const summary = exchangeSummary(x, status, options.identity);
      audit.end(x.id, x.decision === undefined ? summary : { ...summary, routing: x.decision });
      return true;
    } catch (error) {
      process.stderr.write(`cardveil gateway: audit append failed (${(error as { code?: string }).code ?? 'error'}); request ${x.id} answered 500\n`);
      return false;
    }
  };

  /** Audits, then sends a complete (non-streamed) answer. */
  const finish = (res: ServerResponse, x: Exchange, status: number, body: string): void => {
    if (!record(x, status)) {
      sendError(res, new GatewayError('cardveil_audit_failed', 'the audit record could not be written; the answer was withheld'), { 'x-request-id': x.id });
      return;
    }
    res.writeHead(status, { ...headersOf(x), 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };

  const fail = (res: ServerResponse, x: Exchange, error: GatewayError): void => {
    x.failed = true;
    x.reasons.push(`gateway:${error.code}`);
    if (error.code === 'cardveil_blocked' || error.code === 'cardveil_response_blocked' || error.code === 'cardveil_no_compliant_provider' || error.code === 'cardveil_detection_failed') {
      x.verdict = 'blocked';
    }
    finish(res, x, error.status, errorBody(error.code, error.message, error.param));
  };

  async function proxy(req: IncomingMessage, res: ServerResponse, x: Exchange, upstreamPath: string): Promise<void> {
    const body = parseJsonObject(await readBody(req, maxBody));
    const model = typeof body.model === 'string' ? body.model : undefined;
    const stream = upstreamPath === '/chat/completions' && body.stream === true;
    if (upstreamPath === '/chat/completions' && !Array.isArray(body.messages)) {
      throw new GatewayError('cardveil_invalid_request', "'messages' must be an array", 'messages');
    }
    if (upstreamPath === '/embeddings' && body.input === undefined) {
      throw new GatewayError('cardveil_invalid_request', "'input' is required", 'input');
    }
    const context = { providerCall: true, ...(model === undefined ? {} : { model }), requestId: x.id, actor: x.actor, source: x.source, direction: 'request' as const };
    const guarded = guardJson(body, evaluate, context);
    x.decision = router.route(model);
    x.verdict = guarded.verdict;
    if (guarded.verdict === 'blocked') {
      if (guarded.reasons.some((r) => r.code === 'no_compliant_provider')) {
        throw new GatewayError('cardveil_no_compliant_provider', `no provider target meets the data-routing policy (${describeRejections(x.decision)})`);
      }
      throw blockedError(guarded.reasons, 'request');
    }
    // Routing is enforced even when the pack's chain does not list the routing link.
    if (x.decision.outcome === 'blocked' || x.decision.target === undefined) {
      throw new GatewayError('cardveil_no_compliant_provider', `no provider target meets the data-routing policy (${describeRejections(x.decision)})`);
    }
    const target = x.decision.target;
    x.target = target;
    // The target's pinned model, else the client's as checked (a redacted copy if it held card data).
    const checkedBody = guarded.value as Record<string, unknown>;
    const outgoing = { ...checkedBody, model: target.model ?? checkedBody.model };
    const call = new UpstreamCall(target.timeout_ms);
    res.once('close', () => {
      if (!res.writableFinished) call.abort();
    });
    const response = await call.post(target, baseUrlOf(target), upstreamPath, JSON.stringify(outgoing), options.apiKeys.get(target.id), stream);
    const status = response.statusCode ?? 0;
    const isSse = (response.headers['content-type'] ?? '').includes('text/event-stream');
    if (stream && status >= 200 && status < 300 && isSse) {
      await relayStream(res, x, call, response);
      return;
    }
    const text = await call.text(response);
    let answer: unknown;
    try {
      answer = JSON.parse(text);
    } catch {
      throw new GatewayError('cardveil_upstream_error', `provider answered ${status} with a body that is not JSON`);
    }
    const checked = guardJson(answer, evaluate, { requestId: x.id, actor: x.actor, source: x.source, direction: 'response' });
    if (checked.verdict === 'blocked') throw blockedError(checked.reasons, 'response');
    x.verdict = worst(x.verdict, checked.verdict);
    if (status < 200 || status >= 300) x.reasons.push(`upstream:${status}`);
    finish(res, x, status, JSON.stringify(checked.value));
  }

  async function relayStream(res: ServerResponse, x: Exchange, call: UpstreamCall, response: IncomingMessage): Promise<void> {
    const rewriter = new SseRewriter(evaluate, { requestId: x.id, actor: x.actor, source: x.source, direction: 'response' });
    res.writeHead(200, { ...headersOf(x), 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const decoder = new TextDecoder();
    let failure: GatewayError | undefined;
    const stop = (error: GatewayError, out: string): void => {
      failure = error;
      res.write(`${out}data: ${errorBody(error.code, error.message, error.param)}\n\n`);
    };
    try {
      for await (const chunk of response) {
        call.touch();
        const step = rewriter.write(decoder.decode(chunk as Uint8Array, { stream: true }));
        if (step.kind === 'blocked') {
          stop(blockedError(step.result.reasons, 'response'), step.out);
          break;
        }
        if (step.kind === 'invalid') {
          stop(new GatewayError('cardveil_upstream_error', 'provider sent a stream event that is not JSON'), step.out);
          break;
        }
        if (step.out !== '') res.write(step.out);
      }
      if (failure === undefined) {
        const last = rewriter.write(decoder.decode());
        const step = last.kind === 'data' ? rewriter.end() : last;
        if (step.kind === 'blocked') stop(blockedError(step.result.reasons, 'response'), last.out);
        else if (step.kind === 'invalid') stop(new GatewayError('cardveil_upstream_error', 'provider sent a stream event that is not JSON'), last.out);
        else res.write(last.out + step.out);
      }
    } catch (error) {
      stop(call.failure(error), '');
    } finally {
      call.done();
    }
    if (failure !== undefined) {
      call.abort();
      x.failed = true;
      x.reasons.push(`gateway:${failure.code}`);
      if (failure.code !== 'cardveil_upstream_error' && failure.code !== 'cardveil_upstream_timeout') x.verdict = 'blocked';
    } else if (rewriter.redacted) {
      x.verdict = worst(x.verdict, 'redacted');
    }
    // The answer is already on the wire: an audit failure can only be reported, not undone.
    record(x, failure === undefined ? 200 : failure.status);
    res.end();
  }

  return (req, res) => {
    // The usual request names an endpoint exactly: no URL to parse. Anything else is parsed
    // (normalised dots, absolute form), as before.
    const pathname = req.url !== undefined && ENDPOINTS.has(req.url) ? req.url : new URL(req.url ?? '/', 'http://gateway').pathname;
    const x: Exchange = {
      id: randomUUID(),
      started: performance.now(),
      resource: `${req.method ?? 'GET'} ${pathname}`,
      actor: actorOf(req),
      source: sourceOf(req),
      verdict: 'allowed',
      target: undefined,
      decision: undefined,
      reasons: [],
      failed: false,
      recorded: false,
    };
    if (req.method === 'GET' && pathname === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (req.method === 'GET' && pathname === '/v1/models') {
      // Only targets a request can reach: compliant ones, or the fallback.
      const rejected = new Set(router.rejected.map((r) => r.id));
      const reachable = router.targets.filter((t) => !rejected.has(t.id) || t.id === router.policy.on_no_compliant_provider);
      const data = reachable.map((t) => ({ id: t.model ?? t.id, object: 'model', created: 0, owned_by: t.provider }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ object: 'list', data }));
      return;
    }
    const upstreamPath = ENDPOINTS.get(pathname);
    if (upstreamPath === undefined) {
      req.resume();
      sendError(res, new GatewayError('cardveil_not_found', `no route for ${pathname}`), { 'x-request-id': x.id });
      return;
    }
    if (req.method !== 'POST') {
      req.resume();
      sendError(res, new GatewayError('cardveil_method_not_allowed', `${pathname} accepts POST only`), { 'x-request-id': x.id, allow: 'POST' });
      return;
    }
    audit?.begin(x.id);
    proxy(req, res, x, upstreamPath).catch((error: unknown) => {
      const known =
        error instanceof GatewayError
          ? error
          : new GatewayError('cardveil_detection_failed', `internal gateway failure (${(error as Error).name ?? 'error'}); nothing was forwarded`);
      if (res.headersSent) {
        x.failed = true;
        x.reasons.push(`gateway:${known.code}`);
        record(x, known.status);
        res.end();
        return;
      }
      fail(res, x, known);
    });
  };
}

/**
 * An http.Server running the gateway.
 *
 * @example
 * const server = createGatewayServer(options);
 * server.listen(8787, '127.0.0.1');
 */
export function createGatewayServer(options: GatewayOptions): Server {
  const server = createServer(createGatewayHandler(options));
  server.keepAliveTimeout = 5_000;
  return server;
}
