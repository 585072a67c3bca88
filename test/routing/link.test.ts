import { describe, expect, it } from 'vitest';
import { PolicyEngine } from '../../lib/policy/engine.js';
import { RoutingLink } from '../../lib/routing/link.js';
import { Router, type RoutingDecision } from '../../lib/routing/router.js';
import type { Pack, PackInput } from '../../lib/policy/schema.js';

const LOCAL = { zero_data_retention: true, training_opt_out: true, retention_days: 0, in_memory_only: true, sanitized: true, accepts_tokenized_input: true, allow_internet_egress: false, local_only_processing: true };

function packWith(fields: { action?: 'redact' | 'log'; targets?: NonNullable<PackInput['providers']>['targets']; onNone?: string }): PackInput {
  return {
    pack: { name: 'routing-test', version: '1' },
    providers: { targets: fields.targets ?? [{ id: 'local', provider: 'openai', base_url: 'http://127.0.0.1:9/v1', data_policy: LOCAL }] },
    policies: { chain: ['pii-detector', 'data-routing-policy'] },
    policy: {
      'pii-detector': { action: fields.action ?? 'redact' },
      'data-routing-policy': { require_zero_data_retention: true, sanitize_before_provider: true, allow_internet_egress: false, on_no_compliant_provider: fields.onNone ?? 'block' },
    },
  };
}

const engineFor = (pack: PackInput) =>
  new PolicyEngine(pack, { links: { 'data-routing-policy': (p: Pack) => new RoutingLink(new Router(p.providers.targets, p.policy['data-routing-policy']!)) } });

describe('RoutingLink in the chain', () => {
  it('records the decision for provider calls and is skipped otherwise', () => {
    const engine = engineFor(packWith({}));
    const call = engine.evaluate('hello', { providerCall: true });
    expect(call.verdict).toBe('allowed');
    expect(call.applied).toContain('data-routing-policy');
    expect((call.data['data-routing-policy'] as RoutingDecision).target?.id).toBe('local');
    const local = engine.evaluate('hello');
    expect(local.skipped).toEqual(['data-routing-policy']);
    engine.close();
  });

  it('blocks with no_compliant_provider and names the rejected targets', () => {
    const engine = engineFor(packWith({ targets: [{ id: 'cloud', provider: 'openai' }] }));
    const r = engine.evaluate('hello', { providerCall: true });
    expect(r.verdict).toBe('blocked');
    expect(r.reasons).toEqual([
      {
        link: 'data-routing-policy',
        code: 'no_compliant_provider',
        message: 'no provider target meets the data-routing policy (cloud: zero_data_retention_required, sanitized_required, internet_egress_not_allowed, base_url_not_local)',
      },
    ]);
    engine.close();
  });

  it('uses the fallback and says so', () => {
    const engine = engineFor(packWith({ targets: [{ id: 'cloud', provider: 'openai' }], onNone: 'cloud' }));
    const r = engine.evaluate('hello', { providerCall: true });
    expect(r.verdict).toBe('allowed');
    expect(r.reasons).toEqual([{ link: 'data-routing-policy', code: 'fallback_target', message: 'no compliant target; using fallback "cloud"' }]);
    engine.close();
  });

  it('blocks unredacted findings when the policy promises sanitized content', () => {
    const engine = engineFor(packWith({ action: 'log' }));
    const r = engine.evaluate('card 4111111111111111', { providerCall: true });
    expect(r.verdict).toBe('blocked');
    expect(r.reasons.map((x) => `${x.link}:${x.code}`)).toContain('data-routing-policy:unsanitized_content');
    expect(r.text).not.toContain('4111');
    engine.close();
  });
});
