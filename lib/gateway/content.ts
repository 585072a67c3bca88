/**
 * Runs the policy chain over every string of a JSON body (request or response) and rebuilds the
 * body with the redacted strings. Structure, keys and non-text values pass untouched; integers of
 * 12 digits or more are checked as text (a PAN sent as a JSON number is still a PAN) and replaced
 * by their redacted text when the chain redacts them.
 *
 * Each string is evaluated on its own: the chain sees one message, one embedding input, one tool
 * argument string at a time. Values of protocol enum keys (`role`, `type`, `finish_reason`, ...)
 * are skipped only while they look like enums (lowercase letters and `_`: no digit can hide in
 * them); anything else in those keys is evaluated like any string, so nothing leaves unchecked.
 */
import type { RequestSummary } from '../audit/logger.js';
import type { EvaluationContext, EvaluationResult, PackIdentity, Reason, Verdict } from '../policy/chain.js';

/** Evaluates one text through the pack's chain (e.g. `(t, c) => engine.evaluate(t, c)`). */
export type Evaluate = (text: string, context: EvaluationContext) => EvaluationResult;

const PROTOCOL_KEYS = new Set([
  'role', 'type', 'object', 'finish_reason', 'encoding_format', 'tool_choice', 'service_tier',
  'reasoning_effort', 'detail', 'format',
]);
const ENUM_LIKE = /^[a-z_]{1,40}$/;

const SEVERITY: Record<Verdict, number> = { allowed: 0, redacted: 1, blocked: 2 };

export interface GuardOutcome {
  /** Worst verdict over all strings. */
  readonly verdict: Verdict;
  /** The body with redacted strings (the input itself when nothing changed); undefined when blocked. */
  readonly value: unknown;
  /** Reasons of the evaluation that set the verdict (all reasons when not blocked). */
  readonly reasons: readonly Reason[];
  /** The block came from an internal failure (a link or the detector failed), not from a finding. */
  readonly failed: boolean;
  /** `state.data` of the first evaluation (routing decision, ...). */
  readonly data: Readonly<Record<string, unknown>> | undefined;
  /** Number of texts evaluated. */
  readonly evaluated: number;
}

/** A blocked evaluation whose reasons say something broke (`link_failed`, `detector_failed`, ...). */
export function isFailure(reasons: readonly Reason[]): boolean {
  return reasons.some((r) => r.code.endsWith('_failed') || r.code === 'internal_error');
}

/**
 * @example
 * const out = guardJson(body, (t, c) => engine.evaluate(t, c), { direction: 'request', providerCall: true });
 * if (out.verdict === 'blocked') reject(out.reasons);
 */
export function guardJson(value: unknown, evaluate: Evaluate, context: EvaluationContext): GuardOutcome {
  let verdict: Verdict = 'allowed';
  let reasons: Reason[] = [];
  let blockReasons: readonly Reason[] | undefined;
  let data: Readonly<Record<string, unknown>> | undefined;
  let evaluated = 0;

  const check = (text: string): string | undefined => {
    const result = evaluate(text, context);
    evaluated += 1;
    data ??= result.data;
    if (result.verdict === 'blocked') {
      blockReasons = result.reasons;
      verdict = 'blocked';
      return undefined;
    }
    if (SEVERITY[result.verdict] > SEVERITY[verdict]) verdict = result.verdict;
    if (result.reasons.length > 0) reasons = reasons.concat(result.reasons);
    return result.verdict === 'redacted' ? result.text : text;
  };

  // Returns the (possibly rewritten) value; stops descending once blocked.
  const walk = (node: unknown, key: string | undefined): unknown => {
    if (blockReasons !== undefined) return node;
    if (typeof node === 'string') {
      if (key !== undefined && PROTOCOL_KEYS.has(key) && ENUM_LIKE.test(node)) return node;
      return check(node) ?? node;
    }
    if (typeof node === 'number') {
      if (!Number.isInteger(node) || Math.abs(node) < 1e11) return node;
      const text = String(node);
      const out = check(text);
      return out === undefined || out === text ? node : out;
    }
    if (Array.isArray(node)) {
      let copy: unknown[] | undefined;
      for (let i = 0; i < node.length; i++) {
        const next = walk(node[i], key);
        if (next !== node[i]) (copy ??= node.slice())[i] = next;
      }
      return copy ?? node;
    }
    if (node !== null && typeof node === 'object') {
      let copy: Record<string, unknown> | undefined;
      // Keys, not entries: one array per object instead of one pair per property.
      for (const k of Object.keys(node)) {
        const v = (node as Record<string, unknown>)[k];
        const next = walk(v, k);
        // defineProperty, not assignment: a `__proto__` key from JSON must stay a plain key.
        if (next !== v) Object.defineProperty((copy ??= { ...(node as Record<string, unknown>) }), k, { value: next, enumerable: true, writable: true, configurable: true });
      }
      return copy ?? node;
    }
    return node;
  };

  const out = walk(value, undefined);
  if (blockReasons !== undefined) {
    return { verdict: 'blocked', value: undefined, reasons: blockReasons, failed: isFailure(blockReasons), data, evaluated };
  }
  return { verdict, value: out, reasons, failed: false, data, evaluated };
}

/** Reason codes as `link:code`, for messages and headers. */
export function reasonCodes(reasons: readonly Reason[]): string[] {
  return [...new Set(reasons.map((r) => `${r.link}:${r.code}`))];
}

/** What the gateway and the middleware know of one request when its audit record is written. */
export interface ExchangeFacts {
  readonly resource: string;
  readonly started: number;
  readonly actor: string;
  readonly source: string;
  readonly reasons: readonly string[];
  readonly failed: boolean;
}

/** The audit summary of one request: a failure when the answer's status is 4xx/5xx or a step failed. */
export function exchangeSummary(x: ExchangeFacts, status: number, pack: PackIdentity): RequestSummary {
  return {
    resource: x.resource,
    status,
    latencyMs: performance.now() - x.started,
    failed: x.failed || status >= 400,
    reasons: x.reasons,
    actor: x.actor,
    source: x.source,
    pack,
  };
}
