/**
 * The data-routing policy: which provider target a request may go to.
 *
 * Each target declares its `data_policy`; the routing policy states requirements. A target is
 * compliant when it meets every requirement. Compliance depends only on the pack, so it is decided
 * once, at construction; `route()` then only picks among compliant targets (no per-request work
 * beyond a lookup). Selection is deterministic: the compliant target whose `id` or `model` equals
 * the requested model, else the first compliant target in pack order. When none is compliant,
 * `on_no_compliant_provider` says what happens: `block`, or the id of a fallback target that is
 * used as-is (the policy author named it, typically a local model).
 *
 * Every rejected target carries reason codes with text, so a block explains itself.
 */
import { RoutingError } from './errors.js';
import { isLocalUrl } from './locality.js';
import { baseUrlOf } from './providers.js';
import type { RoutingPolicy, Target } from './schema.js';

export type RejectionCode =
  | 'zero_data_retention_required'
  | 'training_opt_out_required'
  | 'retention_unknown'
  | 'retention_too_long'
  | 'in_memory_only_required'
  | 'sanitized_required'
  | 'tokenized_input_required'
  | 'internet_egress_not_allowed'
  | 'local_only_processing_required'
  | 'base_url_not_local';

export interface Rejection {
  readonly code: RejectionCode;
  readonly message: string;
}

export interface RejectedTarget {
  readonly id: string;
  readonly reasons: readonly Rejection[];
}

export type RoutingOutcome = 'selected' | 'fallback' | 'blocked';

export interface RoutingDecision {
  readonly outcome: RoutingOutcome;
  /** The chosen target; absent when blocked. */
  readonly target?: Target;
  /** Every non-compliant target with its reasons, in pack order. */
  readonly rejected: readonly RejectedTarget[];
  /** The request content must be redacted before it reaches the provider (`sanitize_before_provider`). */
  readonly sanitize: boolean;
  /** Sensitive fields must be tokenized, not just labelled (`tokenize_sensitive_fields`). */
  readonly tokenize: boolean;
}

/**
 * Every reason `target` fails `policy` (empty: compliant).
 *
 * @example
 * checkTarget(target, policy).map((r) => r.code) // ['zero_data_retention_required']
 */
export function checkTarget(target: Target, policy: RoutingPolicy): Rejection[] {
  const p = target.data_policy;
  const reasons: Rejection[] = [];
  const reject = (code: RejectionCode, message: string): void => {
    reasons.push({ code, message });
  };
  if (policy.require_zero_data_retention && !p.zero_data_retention) {
    reject('zero_data_retention_required', 'policy requires zero data retention; target does not declare it');
  }
  if (policy.require_no_training && !p.training_opt_out) {
    reject('training_opt_out_required', 'policy requires training opt-out; target does not declare it');
  }
  if (policy.max_retention_days !== undefined) {
    if (p.retention_days === undefined) {
      reject('retention_unknown', `policy allows at most ${policy.max_retention_days} retention days; target declares none`);
    } else if (p.retention_days > policy.max_retention_days) {
      reject('retention_too_long', `target retains data ${p.retention_days} days; policy allows at most ${policy.max_retention_days}`);
    }
  }
  if (policy.require_in_memory_only && !p.in_memory_only) {
    reject('in_memory_only_required', 'policy requires in-memory-only processing; target does not declare it');
  }
  if (policy.sanitize_before_provider && !p.sanitized) {
    reject('sanitized_required', 'policy sends only sanitized content; target is not declared as a sanitized route');
  }
  if (policy.tokenize_sensitive_fields && !p.accepts_tokenized_input) {
    reject('tokenized_input_required', 'policy tokenizes sensitive fields; target does not accept tokenized input');
  }
  if (!policy.allow_internet_egress && p.allow_internet_egress) {
    reject('internet_egress_not_allowed', 'policy forbids internet egress; target allows it');
  }
  if (policy.local_only_processing && !p.local_only_processing) {
    reject('local_only_processing_required', 'policy requires local-only processing; target does not declare it');
  }
  // Hold a "stays local" declaration to the address the gateway will actually call.
  if (!policy.allow_internet_egress || policy.local_only_processing) {
    let url: string | undefined;
    try {
      url = baseUrlOf(target);
    } catch {
      url = undefined;
    }
    if (url === undefined || !isLocalUrl(url)) {
      reject('base_url_not_local', `policy keeps data local; target's base_url host is not a loopback or private address`);
    }
  }
  return reasons;
}

/**
 * Decides provider targets for one pack. Build once per pack; `route()` is a lookup.
 *
 * @example
 * const router = new Router(pack.providers.targets, pack.policy['data-routing-policy']);
 * const decision = router.route('gpt-4o-mini');
 * if (decision.outcome === 'blocked') console.error(decision.rejected);
 */
export class Router {
  readonly policy: RoutingPolicy;
  readonly targets: readonly Target[];
  readonly rejected: readonly RejectedTarget[];
  private readonly compliant: readonly Target[];
  private readonly fallback: Target | undefined;
  private readonly noCompliant: RoutingDecision;
  /** One frozen decision per compliant target: `route()` allocates nothing, and consumers (the audit logger) can cache what they derive from a decision. */
  private readonly selected: ReadonlyMap<Target, RoutingDecision>;

  /** @throws RoutingError on duplicate target ids or an unknown fallback target id. */
  constructor(targets: readonly Target[], policy: RoutingPolicy) {
    const seen = new Set<string>();
    for (const t of targets) {
      if (seen.has(t.id)) throw new RoutingError('ERR_DUPLICATE_TARGET', `target id "${t.id}" is declared twice`);
      seen.add(t.id);
    }
    this.policy = policy;
    this.targets = targets;
    const compliant: Target[] = [];
    const rejected: RejectedTarget[] = [];
    for (const t of targets) {
      const reasons = checkTarget(t, policy);
      if (reasons.length === 0) compliant.push(t);
      else rejected.push({ id: t.id, reasons });
    }
    this.compliant = compliant;
    this.rejected = rejected;
    const onNone = policy.on_no_compliant_provider;
    if (onNone !== 'block') {
      this.fallback = targets.find((t) => t.id === onNone);
      if (this.fallback === undefined) {
        throw new RoutingError(
          'ERR_UNKNOWN_FALLBACK',
          `on_no_compliant_provider names "${onNone}", which is not a target id (targets: ${[...seen].join(', ') || 'none'})`,
        );
      }
    }
    const base = { rejected, sanitize: policy.sanitize_before_provider, tokenize: policy.tokenize_sensitive_fields };
    this.noCompliant = Object.freeze(
      this.fallback ? { outcome: 'fallback', target: this.fallback, ...base } : { outcome: 'blocked', ...base },
    );
    this.selected = new Map(compliant.map((t) => [t, Object.freeze({ outcome: 'selected', target: t, ...base })]));
  }

  /** Picks a target for a request asking for `requestedModel` (a target id or model name). */
  route(requestedModel?: string): RoutingDecision {
    if (this.compliant.length === 0) return this.noCompliant;
    const byRequest =
      requestedModel === undefined
        ? undefined
        : this.compliant.find((t) => t.id === requestedModel || t.model === requestedModel);
    return this.selected.get(byRequest ?? this.compliant[0]!)!;
  }
}
