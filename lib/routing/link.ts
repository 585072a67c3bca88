/**
 * The `data-routing-policy` chain link. It runs only for provider calls (`context.providerCall`),
 * records the routing decision under `state.data['data-routing-policy']` (the audit logger and the
 * gateway read it), and blocks when:
 *
 * - no target is compliant and `on_no_compliant_provider` is `block` (`no_compliant_provider`);
 * - `sanitize_before_provider` is set but findings reached this link unredacted, e.g. a pack whose
 *   detector only logs (`unsanitized_content`): the policy promised the provider sanitized text.
 */
import type { ChainLink, ChainState, LinkOutcome } from '../policy/chain.js';
import type { RoutingDecision, Router } from './router.js';

/** Human summary of why no target qualified: ids and reason codes only. */
export function describeRejections(decision: RoutingDecision): string {
  if (decision.rejected.length === 0) return 'no provider targets are configured';
  return decision.rejected.map((r) => `${r.id}: ${r.reasons.map((x) => x.code).join(', ')}`).join('; ');
}

/**
 * @example
 * const routing = new RoutingLink(new Router(pack.providers.targets, pack.policy['data-routing-policy']));
 * const engine = new PolicyEngine(pack, { links: { 'data-routing-policy': routing } });
 */
export class RoutingLink implements ChainLink {
  readonly name = 'data-routing-policy';
  readonly appliesWhen = 'provider-call';
  readonly router: Router;

  constructor(router: Router) {
    this.router = router;
  }

  evaluate(state: ChainState): LinkOutcome {
    const decision = this.router.route(state.context.model);
    if (decision.outcome === 'blocked') {
      return {
        block: true,
        data: decision,
        reasons: [{ code: 'no_compliant_provider', message: `no provider target meets the data-routing policy (${describeRejections(decision)})` }],
      };
    }
    if (decision.sanitize && state.verdict === 'allowed' && state.findings > 0) {
      return {
        block: true,
        data: decision,
        reasons: [{ code: 'unsanitized_content', message: 'sanitize_before_provider is set but findings were not redacted' }],
      };
    }
    const reasons =
      decision.outcome === 'fallback'
        ? [{ code: 'fallback_target', message: `no compliant target; using fallback "${decision.target!.id}"` }]
        : [];
    return { data: decision, reasons };
  }
}
