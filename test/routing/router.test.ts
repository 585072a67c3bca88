import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RoutingError } from '../../lib/routing/errors.js';
import { isLocalUrl } from '../../lib/routing/locality.js';
import { baseUrlOf } from '../../lib/routing/providers.js';
import { Router, checkTarget } from '../../lib/routing/router.js';
import { routingPolicySchema, targetSchema, type Target } from '../../lib/routing/schema.js';
import { resolveSecret } from '../../lib/routing/secret.js';

/** The seed pack's routing block and its one target (pci-ai-governance.yaml). */
const seedPolicy = routingPolicySchema.parse({
  require_zero_data_retention: true,
  require_no_training: true,
  max_retention_days: 0,
  require_in_memory_only: true,
  sanitize_before_provider: true,
  tokenize_sensitive_fields: true,
  allow_internet_egress: false,
  local_only_processing: true,
  on_no_compliant_provider: 'block',
  log_provider_selection: true,
});
const seedDataPolicy = {
  zero_data_retention: true,
  training_opt_out: true,
  retention_days: 0,
  in_memory_only: true,
  sanitized: true,
  accepts_tokenized_input: true,
  allow_internet_egress: false,
  local_only_processing: true,
};
const target = (fields: Record<string, unknown>): Target => targetSchema.parse({ provider: 'openai', ...fields });

describe('checkTarget', () => {
  it('accepts the seed target when its base_url is on loopback', () => {
    expect(checkTarget(target({ id: 'pci-zdr', base_url: 'http://127.0.0.1:9000/v1', data_policy: seedDataPolicy }), seedPolicy)).toEqual([]);
  });

  it('rejects the seed target as written: it declares local processing but points at the public OpenAI API', () => {
    const reasons = checkTarget(target({ id: 'pci-zdr', data_policy: seedDataPolicy }), seedPolicy);
    expect(reasons).toEqual([
      { code: 'base_url_not_local', message: "policy keeps data local; target's base_url host is not a loopback or private address" },
    ]);
  });

  it('lists every unmet requirement of a target with default data_policy, in a fixed order', () => {
    const reasons = checkTarget(target({ id: 'plain', base_url: 'https://api.example.com/v1' }), seedPolicy);
    expect(reasons.map((r) => r.code)).toEqual([
      'zero_data_retention_required',
      'training_opt_out_required',
      'retention_unknown',
      'in_memory_only_required',
      'sanitized_required',
      'tokenized_input_required',
      'internet_egress_not_allowed',
      'local_only_processing_required',
      'base_url_not_local',
    ]);
  });

  it('tells an unknown retention from a too-long one', () => {
    const policy = routingPolicySchema.parse({ max_retention_days: 30 });
    expect(checkTarget(target({ id: 'a', data_policy: { retention_days: 31 } }), policy)).toEqual([
      { code: 'retention_too_long', message: 'target retains data 31 days; policy allows at most 30' },
    ]);
    expect(checkTarget(target({ id: 'a', data_policy: { retention_days: 30 } }), policy)).toEqual([]);
    expect(checkTarget(target({ id: 'a' }), policy).map((r) => r.code)).toEqual(['retention_unknown']);
  });

  it('accepts every target under the default (empty) policy', () => {
    expect(checkTarget(target({ id: 'a' }), routingPolicySchema.parse({}))).toEqual([]);
  });
});

describe('Router', () => {
  const local = target({ id: 'local', model: 'llama', base_url: 'http://127.0.0.1:11434/v1', data_policy: seedDataPolicy });
  const local2 = target({ id: 'local2', model: 'qwen', base_url: 'http://10.0.0.5/v1', data_policy: seedDataPolicy });
  const cloud = target({ id: 'cloud', model: 'gpt-4o' });

  it('picks the first compliant target and explains the rejected ones', () => {
    const d = new Router([cloud, local, local2], seedPolicy).route();
    expect(d.outcome).toBe('selected');
    expect(d.target?.id).toBe('local');
    expect(d.rejected.map((r) => r.id)).toEqual(['cloud']);
    expect(d.sanitize).toBe(true);
    expect(d.tokenize).toBe(true);
  });

  it('honours a requested model or target id among compliant targets only', () => {
    const router = new Router([cloud, local, local2], seedPolicy);
    expect(router.route('qwen').target?.id).toBe('local2');
    expect(router.route('local2').target?.id).toBe('local2');
    expect(router.route('gpt-4o').target?.id).toBe('local');
  });

  it('blocks when nothing is compliant and the policy says block', () => {
    const d = new Router([cloud], seedPolicy).route('gpt-4o');
    expect(d.outcome).toBe('blocked');
    expect(d.target).toBeUndefined();
    expect(d.rejected[0]?.id).toBe('cloud');
  });

  it('blocks with no targets at all', () => {
    const d = new Router([], seedPolicy).route();
    expect(d).toEqual({ outcome: 'blocked', rejected: [], sanitize: true, tokenize: true });
  });

  it('uses the named fallback when nothing is compliant', () => {
    const policy = { ...seedPolicy, on_no_compliant_provider: 'cloud' };
    const d = new Router([cloud], policy).route();
    expect(d.outcome).toBe('fallback');
    expect(d.target?.id).toBe('cloud');
  });

  it('refuses a fallback id that names no target', () => {
    const policy = { ...seedPolicy, on_no_compliant_provider: 'nowhere' };
    expect(() => new Router([cloud, local], policy)).toThrow(
      new RoutingError('ERR_UNKNOWN_FALLBACK', 'on_no_compliant_provider names "nowhere", which is not a target id (targets: cloud, local)'),
    );
    try {
      new Router([cloud], policy);
    } catch (error) {
      expect((error as RoutingError).code).toBe('ERR_UNKNOWN_FALLBACK');
    }
  });

  it('refuses duplicate target ids', () => {
    expect(() => new Router([local, local], seedPolicy)).toThrow('target id "local" is declared twice');
  });

  it('always routes to a compliant target, and to the same one for the same input (property)', () => {
    const dataPolicy = fc.record({
      zero_data_retention: fc.boolean(),
      training_opt_out: fc.boolean(),
      retention_days: fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }),
      in_memory_only: fc.boolean(),
      sanitized: fc.boolean(),
      accepts_tokenized_input: fc.boolean(),
      allow_internet_egress: fc.boolean(),
      local_only_processing: fc.boolean(),
    });
    const policy = fc.record({
      require_zero_data_retention: fc.boolean(),
      require_no_training: fc.boolean(),
      max_retention_days: fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }),
      require_in_memory_only: fc.boolean(),
      allow_internet_egress: fc.boolean(),
      local_only_processing: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(fc.tuple(dataPolicy, fc.boolean()), { maxLength: 6 }), policy, (specs, p) => {
        const targets = specs.map(([dp, isLocal], i) =>
          target({
            id: `t${i}`,
            base_url: isLocal ? 'http://127.0.0.1/v1' : 'https://api.example.com/v1',
            data_policy: Object.fromEntries(Object.entries(dp).filter(([, v]) => v !== undefined)),
          }),
        );
        const rp = routingPolicySchema.parse(Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)));
        const router = new Router(targets, rp);
        const d = router.route();
        expect(router.route()).toEqual(d);
        const compliant = targets.filter((t) => checkTarget(t, rp).length === 0);
        if (compliant.length === 0) {
          expect(d.outcome).toBe('blocked');
        } else {
          expect(d.outcome).toBe('selected');
          expect(d.target).toBe(compliant[0]);
        }
        expect(d.rejected.length + compliant.length).toBe(targets.length);
      }),
    );
  });
});

describe('isLocalUrl', () => {
  it.each([
    ['http://127.0.0.1:8080/v1', true],
    ['http://localhost:11434/v1', true],
    ['http://[::1]:8000/', true],
    ['http://10.1.2.3/', true],
    ['http://172.16.0.1/', true],
    ['http://172.32.0.1/', false],
    ['http://192.168.1.20/', true],
    ['http://llm/', true],
    ['http://models.internal/v1', true],
    ['http://[fd00::1]/', true],
    ['https://api.openai.com/v1', false],
    ['http://8.8.8.8/', false],
    ['http://127.0.0.1.nip.io/', false],
    ['not a url', false],
  ])('%s -> %s', (url, expected) => {
    expect(isLocalUrl(url)).toBe(expected);
  });
});

describe('baseUrlOf', () => {
  it('uses base_url without trailing slashes, else the provider default', () => {
    expect(baseUrlOf(target({ id: 'a', base_url: 'http://127.0.0.1:1/v1/' }))).toBe('http://127.0.0.1:1/v1');
    expect(baseUrlOf(target({ id: 'a' }))).toBe('https://api.openai.com/v1');
  });

  it('names the target when the provider has no default', () => {
    expect(() => baseUrlOf(target({ id: 'x', provider: 'acme' }))).toThrow(/^target "x": provider "acme" has no default base_url; set base_url/);
  });
});

describe('resolveSecret', () => {
  it('reads an environment variable, trimmed', () => {
    expect(resolveSecret({ env: 'K' }, { K: ' sk-test \n' })).toBe('sk-test');
  });

  it('names the missing variable without printing any value', () => {
    expect(() => resolveSecret({ env: 'K' }, {})).toThrow(new RoutingError('ERR_SECRET_MISSING', 'environment variable K is not set or empty'));
  });

  it('reads a key file and reports an unreadable one by code', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cardveil-secret-'));
    writeFileSync(join(dir, 'key'), 'abc\n');
    expect(resolveSecret({ file: join(dir, 'key') })).toBe('abc');
    expect(() => resolveSecret({ file: join(dir, 'nope') })).toThrow(`cannot read key file ${join(dir, 'nope')} (ENOENT)`);
  });
});
