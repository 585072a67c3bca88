import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChainLink, ChainState } from '../../lib/policy/chain.js';
import { PolicyEngine } from '../../lib/policy/engine.js';
import { loadPack } from '../../lib/policy/load.js';
import { Router } from '../../lib/routing/router.js';
import { RoutingLink } from '../../lib/routing/link.js';
import type { VaultAuditEvent } from '../../lib/redaction/vault.js';

const SEED = '/work/shared/packs/pci-ai-governance.yaml';
const engine = 'javascript' as const;
const seed = new PolicyEngine(SEED, { engine });
const PROMPT = 'Please refund order for card 4111 1111 1111 1111 today.';

describe('the seed pack through the chain', () => {
  it('redacts a PAN and says routing and audit were not applied', () => {
    const r = seed.evaluate(PROMPT);
    expect(r.verdict).toBe('redacted');
    expect(r.text).toBe('Please refund order for card [REDACTED:PAN brand=visa last4=1111] today.');
    expect(r.counts).toEqual({ pan: 1 });
    expect(r.reasons).toEqual([{ link: 'pii-detector', code: 'card_data_redacted', message: '1 finding(s) redacted: pan 1' }]);
    expect(r.applied).toEqual(['pii-detector', 'dlp-filter']);
    expect(r.notApplied).toEqual(['data-routing-policy', 'audit-logger']);
    expect(r.spans).toEqual([{ start: 29, end: 65, inputStart: 29, inputEnd: 48, type: 'pan', detector: expect.any(String) }]);
    expect(r.text.slice(29, 65)).toBe('[REDACTED:PAN brand=visa last4=1111]');
  });

  it('says notApplied on clean text too', () => {
    const r = seed.evaluate('hello there');
    expect(r.verdict).toBe('allowed');
    expect(r.text).toBe('hello there');
    expect(r.notApplied).toEqual(['data-routing-policy', 'audit-logger']);
  });

  it('blocks a blocked term, and its fuzzy variant within max_distance 1', () => {
    for (const text of ['here is the cvv spreadsheet you wanted', 'here is the CVV spredsheet you wanted']) {
      const r = seed.evaluate(text);
      expect(r.verdict).toBe('blocked');
      expect(r.text).toBe('[BLOCKED:dlp-filter]');
      expect(r.counts).toEqual({ blocked_term: 1 });
      expect(r.reasons).toEqual([{ link: 'dlp-filter', code: 'dlp_blocked', message: '1 finding(s) blocked: blocked_term 1' }]);
    }
  });

  it('blocks a DLP pattern and never returns the input', () => {
    const r = seed.evaluate('ref AUTH-7QX2KD91 for 4111111111111111');
    expect(r.verdict).toBe('blocked');
    expect(r.text).toBe('[BLOCKED:dlp-filter]');
    expect(r.counts).toEqual({ custom: 1, pan: 1 });
    expect(r.spans).toEqual([]);
  });
});

describe('outside links', () => {
  it('runs the routing link only for provider calls and records its decision', () => {
    const pack = loadPack(SEED);
    const routing = new RoutingLink(new Router(pack.providers.targets, pack.policy['data-routing-policy']!));
    const e = new PolicyEngine(pack, { engine, links: { 'data-routing-policy': routing } });
    const local = e.evaluate(PROMPT);
    expect(local.skipped).toEqual(['data-routing-policy']);
    expect(local.notApplied).toEqual(['audit-logger']);
    const call = e.evaluate(PROMPT, { providerCall: true });
    expect(call.applied).toEqual(['pii-detector', 'dlp-filter', 'data-routing-policy']);
    // The seed's only target declares local-only processing without a local base_url: blocked.
    expect(call.verdict).toBe('blocked');
    expect(call.text).toBe('[BLOCKED:data-routing-policy]');
    expect(call.reasons.map((x) => x.code)).toEqual(['card_data_redacted', 'no_compliant_provider']);
    expect(call.data['data-routing-policy']).toMatchObject({ outcome: 'blocked' });
  });

  it('hands links the redacted text, never the card number', () => {
    const seen: ChainState[] = [];
    const spy: ChainLink = { name: 'data-routing-policy', evaluate: (s) => void seen.push(s) };
    const e = new PolicyEngine(SEED, { engine, links: { 'data-routing-policy': spy } });
    e.evaluate(PROMPT, { providerCall: true });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.text).toBe('Please refund order for card [REDACTED:PAN brand=visa last4=1111] today.');
    expect(seen[0]!.verdict).toBe('redacted');
  });

  it('runs observers last, after a block too, with the final verdict', () => {
    const verdicts: string[] = [];
    const audit: ChainLink = { name: 'audit-logger', observer: true, evaluate: (s) => void verdicts.push(`${s.verdict}:${s.text}`) };
    const e = new PolicyEngine(SEED, { engine, links: { 'audit-logger': audit } });
    e.evaluate('cvv spreadsheet');
    e.evaluate(PROMPT);
    expect(verdicts).toEqual(['blocked:[BLOCKED:dlp-filter]', 'redacted:Please refund order for card [REDACTED:PAN brand=visa last4=1111] today.']);
  });

  it('hands links snapshots: a link that writes into its state changes nothing in the result', () => {
    const seen: ChainState[] = [];
    const meddler: ChainLink = {
      name: 'audit-logger',
      observer: true,
      evaluate: (state) => {
        seen.push(state);
        const loose = state as unknown as { counts: Record<string, number>; reasons: unknown[]; data: Record<string, unknown> };
        // Empty parts are shared frozen objects (a write throws); filled ones are copies.
        try {
          loose.counts.pan = 99;
          loose.reasons.push({ link: 'x', code: 'y', message: 'z' });
          loose.data.x = 1;
        } catch {
          // a frozen empty part refused the write
        }
        return undefined;
      },
    };
    const e = new PolicyEngine(SEED, { engine, links: { 'audit-logger': meddler } });
    for (const [text, pans] of [['hello there', 0], [PROMPT, 1]] as const) {
      const r = e.evaluate(text);
      expect(r.counts.pan ?? 0).toBe(pans);
      expect(r.reasons.map((x) => x.link)).toEqual(pans === 0 ? [] : ['pii-detector']);
      expect(r.data).toEqual({});
      expect(Object.isFrozen(seen.at(-1))).toBe(true);
    }
    e.close();
  });

  it('fails closed when a link throws: blocked, reason link_failed, input withheld', () => {
    const broken: ChainLink = {
      name: 'data-routing-policy',
      evaluate: () => {
        throw new Error('boom with 4111111111111111');
      },
    };
    const e = new PolicyEngine(SEED, { engine, links: { 'data-routing-policy': broken } });
    const r = e.evaluate('clean text', { providerCall: true });
    expect(r.verdict).toBe('blocked');
    expect(r.text).toBe('[BLOCKED:data-routing-policy]');
    expect(r.reasons).toEqual([{ link: 'data-routing-policy', code: 'link_failed', message: 'link data-routing-policy threw (Error); input withheld' }]);
    expect(JSON.stringify(r)).not.toContain('4111111111111111');
  });

  it('fails closed when an observer throws', () => {
    const audit: ChainLink = { name: 'audit-logger', observer: true, evaluate: () => { throw Object.assign(new Error('EIO'), { code: 'ERR_AUDIT_WRITE' }); } };
    const e = new PolicyEngine(SEED, { engine, links: { 'audit-logger': audit } });
    const r = e.evaluate('clean text');
    expect(r.verdict).toBe('blocked');
    expect(r.reasons).toEqual([{ link: 'audit-logger', code: 'link_failed', message: 'link audit-logger threw (Error ERR_AUDIT_WRITE); input withheld' }]);
  });

  it('refuses links for built-in names or with the wrong name', () => {
    const bad = { links: { 'pii-detector': { name: 'pii-detector', evaluate: () => undefined } } } as unknown as ConstructorParameters<typeof PolicyEngine>[1];
    expect(() => new PolicyEngine(SEED, { ...bad, engine })).toThrow(expect.objectContaining({ code: 'ERR_LINK_INVALID' }));
    const misnamed: ChainLink = { name: 'other', evaluate: () => undefined };
    expect(() => new PolicyEngine(SEED, { engine, links: { 'audit-logger': misnamed } })).toThrow(
      'links["audit-logger"] must be a ChainLink named "audit-logger" with an evaluate() method (got name "other")',
    );
  });
});

describe('pack-driven behaviour', () => {
  const base = { pack: { name: 't', version: '1' } };

  it('refuses a disabled pack', () => {
    expect(() => new PolicyEngine({ pack: { name: 't', version: '1', enabled: false } }, { engine })).toThrow(
      expect.objectContaining({ code: 'ERR_PACK_DISABLED', message: 'pack "t" is disabled (pack.enabled: false); refusing to run it' }),
    );
  });

  it('logs without changing the text when the action is log', () => {
    const e = new PolicyEngine({ ...base, policy: { 'pii-detector': { action: 'log' } } }, { engine });
    const r = e.evaluate(PROMPT);
    expect(r.verdict).toBe('allowed');
    expect(r.text).toBe(PROMPT);
    expect(r.reasons[0]?.code).toBe('card_data_logged');
  });

  it('uses generic_id as the marker of custom patterns when the DLP filter redacts', () => {
    const e = new PolicyEngine(
      {
        ...base,
        policies: { chain: ['pii-detector', 'dlp-filter'] },
        policy: {
          'pii-detector': { redaction: { custom_markers: { generic_id: '[ID]' } } },
          'dlp-filter': { detect_patterns: ['ORDER-[0-9]{10,14}'], action: 'redact' },
        },
      },
      { engine },
    );
    expect(e.evaluate('see ORDER-1234567890 now').text).toBe('see [ID] now');
  });

  it('names a DLP pattern the engine cannot compile, with its line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cardveil-chain-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, ['pack: {name: t, version: "1"}', 'policies: {chain: [dlp-filter]}', 'policy:', '  dlp-filter:', "    detect_patterns: ['ok-[0-9]+', 'bad(']", ''].join('\n'));
    let error: { code?: string; message?: string; issues?: unknown[] } = {};
    try {
      new PolicyEngine(file, { engine });
    } catch (e) {
      error = e as typeof error;
    }
    expect(error.code).toBe('ERR_PATTERN_INVALID');
    expect(error.message).toBe(
      `pack "t": DLP pattern rejected by the engine\n  ${file}:5:36: policy.dlp-filter.detect_patterns[1]: pattern "bad(" cannot be compiled: missing )`,
    );
    expect(error.issues).toHaveLength(1);
    // The same pack passed as a loaded object still points at its line.
    expect(() => new PolicyEngine(loadPack(file), { engine })).toThrow(`${file}:5:36: policy.dlp-filter.detect_patterns[1]`);
  });

  it('vaults PANs, labels CVVs, and detokenizes with a capability under audit', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cardveil-chain-'));
    const events: VaultAuditEvent[] = [];
    const e = new PolicyEngine(
      {
        ...base,
        policy: {
          'pii-detector': {
            redaction: { marker_format: 'vault', keys: [{ id: 'k1', secret_key_ref: { env: 'VAULT_KEY' } }], vault: { path: join(dir, 'v.sqlite') } },
          },
        },
      },
      { engine, env: { VAULT_KEY: 'k'.repeat(32) }, onVaultAudit: (ev) => events.push(ev) },
    );
    const r = e.evaluate('card 4111111111111111 cvv: 123');
    expect(r.text).toMatch(/^card \[VAULT:PAN:vt_[0-9a-f]{24}\] cvv: \[REDACTED:CVV\]$/);
    const token = /\[VAULT:PAN:vt_[0-9a-f]{24}\]/.exec(r.text)![0];
    expect(e.vault!.detokenize(token, e.vault!.grant('ops', 'test'))).toBe('4111111111111111');
    expect(events.map((x) => x.outcome)).toEqual(['success']);
    e.close();
  });

  it('refuses to start without its key, or with a short one', () => {
    const pack = { ...base, policy: { 'pii-detector': { redaction: { marker_format: 'token' as const, keys: [{ id: 'k1', secret_key_ref: { env: 'TOKEN_KEY' } }] } } } };
    expect(() => new PolicyEngine(pack, { engine, env: {} })).toThrow(
      expect.objectContaining({ code: 'ERR_KEY_MISSING', message: 'key "k1": environment variable TOKEN_KEY is not set' }),
    );
    expect(() => new PolicyEngine(pack, { engine, env: { TOKEN_KEY: 'too-short' } })).toThrow(
      expect.objectContaining({ code: 'ERR_KEY_TOO_SHORT' }),
    );
    const ok = new PolicyEngine(pack, { engine, env: { TOKEN_KEY: 't'.repeat(40) } });
    expect(ok.evaluate('4111111111111111').text).toMatch(/^\[TOKEN:PAN:k1:[0-9a-f]{24}\]$/);
  });
});

describe('engine parity on the seed pack', () => {
  it('gives the same results on the native engine when it loads', async () => {
    const { activeEngine } = await import('../../lib/engine/index.js');
    if (activeEngine() !== 'hyperscan') return;
    const native = new PolicyEngine(SEED, { engine: 'hyperscan' });
    for (const text of [PROMPT, 'here is the CVV spredsheet you wanted', 'ref AUTH-7QX2KD91 for 4111111111111111', 'hello']) {
      const a = seed.evaluate(text);
      const b = native.evaluate(text);
      expect([b.verdict, b.text, b.counts]).toEqual([a.verdict, a.text, a.counts]);
    }
  });
});

describe('DLP filter actions and pci_mode', () => {
  const dlp = (action: 'block' | 'redact' | 'log') =>
    new PolicyEngine(
      {
        pack: { name: 'd', version: '1' },
        policies: { chain: ['pii-detector', 'dlp-filter'] },
        policy: { 'dlp-filter': { blocked_terms: ['secret project'], fuzzy_matching: true, max_distance: 1, action } },
      },
      { engine },
    );

  it('redacts blocked terms, case-insensitively and within the edit distance, when the action is redact', () => {
    expect(dlp('redact').evaluate('about the SECRET PROJECT and the secret projet').text).toBe(
      'about the [REDACTED:BLOCKED_TERM] and the [REDACTED:BLOCKED_TERM]',
    );
  });

  it('only reports when the action is log', () => {
    const r = dlp('log').evaluate('about the secret project');
    expect([r.verdict, r.text, r.counts]).toEqual(['allowed', 'about the secret project', { blocked_term: 1 }]);
    expect(r.reasons).toEqual([{ link: 'dlp-filter', code: 'dlp_logged', message: '1 finding(s) logged only: blocked_term 1' }]);
  });

  it('leaves card data alone, with a reason saying so, when pci_mode is off', () => {
    const e = new PolicyEngine({ pack: { name: 'p', version: '1' }, policy: { 'pii-detector': { pci_mode: false } } }, { engine });
    const r = e.evaluate('card 4111111111111111');
    expect([r.verdict, r.text]).toEqual(['allowed', 'card 4111111111111111']);
    expect(r.reasons[0]?.code).toBe('pci_mode_off');
  });

  it('masks a PAN written in fullwidth digits completely (evasion text keeps no digits)', () => {
    const e = new PolicyEngine({ pack: { name: 'm', version: '1' }, policy: { 'pii-detector': { redaction: { marker_format: 'mask' } } } }, { engine });
    expect(e.evaluate('card ４１１１１１１１１１１１１１１１ ok').text).toBe('card **************** ok');
    expect(e.evaluate('card 4111 1111 1111 1111 ok').text).toBe('card 4111 11** **** 1111 ok');
  });
});
