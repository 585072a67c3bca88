/**
 * The pack applied to parsed bodies of an application's own HTTP traffic (JSON values, strings,
 * raw bytes as UTF-8): the shared core of the Express middleware, the Fastify plugin and
 * `guardedFetch`. One guard = one compiled pack, one audit trail; each exchange (request +
 * response) becomes one audit record. Bodies nobody parsed (streams) are not seen here.
 */
import { randomUUID } from 'node:crypto';
import type { Verdict } from '../policy/chain.js';
import type { Pack, PackInput } from '../policy/schema.js';
import { exchangeSummary, guardJson, reasonCodes } from './content.js';
import { GatewayError } from './errors.js';
import { createGatewayRuntime, type GatewayRuntime, type RuntimeOptions } from './runtime.js';

export interface GuardOptions extends Omit<RuntimeOptions, 'resolveKeys'> {
  /**
   * The guarded requests go to an LLM provider, so the pack's routing link runs on them (default
   * false for middleware: an application's inbound traffic is not a provider call).
   */
  readonly providerCall?: boolean;
}

/** One request/response pair going through a guard. */
export interface GuardExchange {
  readonly id: string;
  readonly actor: string;
  readonly source: string;
  readonly resource: string;
  readonly started: number;
  verdict: Verdict;
  readonly reasons: string[];
  failed: boolean;
}

export type GuardResult = { readonly ok: true; readonly value: unknown; readonly verdict: Verdict } | { readonly ok: false; readonly error: GatewayError };

const SEVERITY: Record<Verdict, number> = { allowed: 0, redacted: 1, blocked: 2 };

/**
 * @example
 * const guard = new JsonGuard('pack.yaml');
 * const x = guard.start({ actor: 'user-1', source: '10.0.0.7', resource: 'POST /api/chat' });
 * const r = guard.request(x, body);
 * if (!r.ok) reply(r.error.status, r.error.code);
 * guard.finish(x, 200);
 */
export class JsonGuard {
  readonly runtime: GatewayRuntime;
  private readonly providerCall: boolean;

  constructor(pack: Pack | PackInput | string, options: GuardOptions = {}) {
    this.runtime = createGatewayRuntime(pack, { ...options, resolveKeys: false });
    this.providerCall = options.providerCall ?? false;
  }

  start(meta: { actor?: string | undefined; source?: string | undefined; resource: string }): GuardExchange {
    const x: GuardExchange = {
      id: randomUUID(),
      actor: meta.actor ?? 'anonymous',
      source: meta.source ?? 'unknown',
      resource: meta.resource,
      started: performance.now(),
      verdict: 'allowed',
      reasons: [],
      failed: false,
    };
    this.runtime.audit?.begin(x.id);
    return x;
  }

  /** Checks a request body; the value to pass on is the redacted copy. */
  request(x: GuardExchange, body: unknown): GuardResult {
    return this.check(x, body, 'request');
  }

  /** Checks a response body. */
  response(x: GuardExchange, body: unknown): GuardResult {
    return this.check(x, body, 'response');
  }

  /** Writes the exchange's audit record; false if that failed (withhold the answer). */
  finish(x: GuardExchange, status: number): boolean {
    const audit = this.runtime.audit;
    if (audit === undefined) return true;
    try {
      audit.end(x.id, exchangeSummary(x, status, this.runtime.engine.identity));
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    this.runtime.close();
  }

  private check(x: GuardExchange, body: unknown, direction: 'request' | 'response'): GuardResult {
    const context = { providerCall: this.providerCall && direction === 'request', requestId: x.id, actor: x.actor, source: x.source, direction };
    // Raw bodies (express.raw, Fastify octet-stream) are checked as UTF-8 text and given back as bytes.
    const bytes = body instanceof Uint8Array;
    let out;
    try {
      out = guardJson(bytes ? Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8') : body, this.runtime.options.evaluate, context);
    } catch {
      out = undefined;
    }
    if (out === undefined || out.verdict === 'blocked') {
      x.verdict = 'blocked';
      x.failed = true;
      const codes = out === undefined ? ['gateway:internal_error'] : reasonCodes(out.reasons);
      const error =
        out === undefined || out.failed
          ? new GatewayError('cardveil_detection_failed', `detection failed; the ${direction} was withheld (${codes.join(', ')})`)
          : codes.some((c) => c.endsWith(':no_compliant_provider'))
            ? new GatewayError('cardveil_no_compliant_provider', `no provider target meets the data-routing policy (${codes.join(', ')})`)
            : direction === 'request'
              ? new GatewayError('cardveil_blocked', `request blocked by policy (${codes.join(', ')})`)
              : new GatewayError('cardveil_response_blocked', `response blocked by policy (${codes.join(', ')})`);
      x.reasons.push(`gateway:${error.code}`);
      return { ok: false, error };
    }
    if (SEVERITY[out.verdict] > SEVERITY[x.verdict]) x.verdict = out.verdict;
    if (bytes) return { ok: true, value: out.verdict === 'allowed' ? body : Buffer.from(out.value as string, 'utf8'), verdict: out.verdict };
    return { ok: true, value: out.value, verdict: out.verdict };
  }
}
