import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PolicyError } from '../../lib/policy/errors.js';
import { loadPack, parsePack, validatePack } from '../../lib/policy/load.js';
import { DEFAULT_PACK_YAML, defaultPack } from '../../lib/policy/default-pack.js';
import { levenshtein, suggest } from '../../lib/policy/suggest.js';

const SEED = '/work/shared/packs/pci-ai-governance.yaml';

function errorOf(fn: () => unknown): PolicyError {
  try {
    fn();
  } catch (error) {
    if (error instanceof PolicyError) return error;
    throw error;
  }
  throw new Error('expected a PolicyError');
}

describe('the seed pack', () => {
  it('loads as it stands, with defaults applied', () => {
    const pack = loadPack(SEED);
    expect(pack.pack).toEqual({ name: 'pci-ai-governance', version: '1.0.0', enabled: true });
    expect(pack.policies.chain).toEqual(['pii-detector', 'dlp-filter', 'data-routing-policy', 'audit-logger']);
    expect(pack.policy['pii-detector']?.redaction.custom_markers.generic_id).toBe('[REDACTED-CARD-ADJACENT-ID]');
    expect(pack.policy['dlp-filter']).toMatchObject({ action: 'block', fuzzy_matching: true, max_distance: 1, sensitivity_level: 'high' });
    expect(pack.policy['audit-logger']).toEqual({ path: 'cardveil-audit.jsonl', fsync: 'never', rotate_bytes: 0 });
    expect(pack.providers.targets[0]?.data_policy.zero_data_retention).toBe(true);
  });

  it('validates the same object given from code', () => {
    const fromYaml = loadPack(SEED);
    expect(validatePack(fromYaml)).toEqual(fromYaml);
  });
});

describe('pack errors', () => {
  it('name the path, the line, what was expected, and the closest key or value', () => {
    const yaml = [
      'pack:',
      '  name: mine',
      '  version: "1"',
      'policies:',
      '  chain: [pii-detector, dlp-filtr]',
      'policy:',
      '  pii-detector:',
      '    redaction:',
      '      marker_format: lable',
      '  dlp-filter:',
      '    fuzzy_match: true',
      '    max_distance: 9',
      '    detect_patterns:',
      '      - {name: a}',
      '',
    ].join('\n');
    const error = errorOf(() => parsePack(yaml, 'mine.yaml'));
    expect(error.code).toBe('ERR_PACK_INVALID');
    expect(error.message).toBe(
      [
        'invalid pack mine.yaml (5 problems)',
        '  mine.yaml:5:25: policies.chain[1]: expected one of pii-detector | dlp-filter | data-routing-policy | audit-logger, got "dlp-filtr" (did you mean "dlp-filter"?)',
        '  mine.yaml:9:22: policy.pii-detector.redaction.marker_format: expected one of label | mask | token | vault | remove, got "lable" (did you mean "label"?)',
        '  mine.yaml:11:5: policy.dlp-filter.fuzzy_match: unknown key (did you mean "fuzzy_matching"?)',
        '  mine.yaml:12:19: policy.dlp-filter.max_distance: expected number to be <=3',
        '  mine.yaml:14:9: policy.dlp-filter.detect_patterns[0]: expected string or { name, pattern, caseless }, got a mapping',
      ].join('\n'),
    );
    expect(error.issues[2]).toEqual({
      path: 'policy.dlp-filter.fuzzy_match',
      line: 11,
      column: 5,
      message: 'unknown key',
      suggestion: 'fuzzy_matching',
    });
  });

  it('lists the valid keys when nothing is close', () => {
    const error = errorOf(() => parsePack('pack: {name: a, version: "1"}\nzebra: 1\n', 'z.yaml'));
    expect(error.message).toBe('invalid pack z.yaml (1 problem)\n  z.yaml:2:1: zebra: unknown key; expected one of: pack, providers, policies, policy');
  });

  it('refuses custom markers for unknown types, with a suggestion', () => {
    const error = errorOf(() =>
      validatePack({ pack: { name: 'a', version: '1' }, policy: { 'pii-detector': { redaction: { custom_markers: { generic_idd: 'X' } } } } }),
    );
    expect(error.message).toBe(
      'invalid pack (object) (1 problem)\n  policy.pii-detector.redaction.custom_markers.generic_idd: unknown key (did you mean "generic_id"?)',
    );
  });

  it('refuses a pack that would tokenize or vault CVVs, track data or PINs', () => {
    const error = errorOf(() =>
      parsePack(
        [
          'pack: {name: a, version: "1"}',
          'policy:',
          '  pii-detector:',
          '    redaction:',
          '      keys: [{id: k1, secret_key_ref: {env: K}}]',
          '      operators:',
          '        cvv: vault',
          '        track2: token',
        ].join('\n'),
        'sad.yaml',
      ),
    );
    expect(error.message).toBe(
      [
        'invalid pack sad.yaml (2 problems)',
        '  sad.yaml:7:14: policy.pii-detector.redaction.operators.cvv: cvv is sensitive authentication data and is never kept or stored (PCI DSS 3.3): expected label or remove, got vault',
        '  sad.yaml:8:17: policy.pii-detector.redaction.operators.track2: track2 is sensitive authentication data and is never kept or stored (PCI DSS 3.3): expected label or remove, got token',
      ].join('\n'),
    );
  });

  it('requires keys for token and vault redaction', () => {
    const error = errorOf(() => validatePack({ pack: { name: 'a', version: '1' }, policy: { 'pii-detector': { redaction: { marker_format: 'token' } } } }));
    expect(error.issues).toEqual([
      { path: 'policy.pii-detector.redaction.keys', message: 'token and vault redaction need at least one key: expected keys: [{ id, secret_key_ref: { env | file } }]' },
    ]);
  });

  it('refuses healthcare_mode: true plainly', () => {
    const error = errorOf(() => validatePack({ pack: { name: 'a', version: '1' }, policy: { 'pii-detector': { healthcare_mode: true } } }));
    expect(error.issues[0]?.message).toBe('healthcare_mode: true is not supported (cardveil detects payment-card data only): expected false');
  });

  it('reports missing required fields and wrong types', () => {
    const error = errorOf(() => parsePack('pack:\n  name: 3\n', 'm.yaml'));
    expect(error.message).toBe(
      'invalid pack m.yaml (2 problems)\n  m.yaml:2:3: pack.version: required: expected string\n  m.yaml:2:9: pack.name: expected string, got number 3',
    );
  });

  it('reports YAML syntax errors with their line', () => {
    const error = errorOf(() => parsePack('pack:\n  name: a\n  name: b\n', 'dup.yaml'));
    expect(error.code).toBe('ERR_PACK_YAML');
    expect(error.issues[0]).toMatchObject({ line: 3, column: 3 });
  });

  it('reports an unreadable file', () => {
    const error = errorOf(() => loadPack('/nonexistent/pack.yaml'));
    expect(error.code).toBe('ERR_PACK_READ');
    expect(error.message).toBe('pack file /nonexistent/pack.yaml cannot be read (ENOENT)');
  });

  it('refuses a link listed twice', () => {
    const error = errorOf(() => validatePack({ pack: { name: 'a', version: '1' }, policies: { chain: ['pii-detector', 'pii-detector'] } }));
    expect(error.issues).toEqual([{ path: 'policies.chain', message: 'link "pii-detector" is listed twice' }]);
  });
});

describe('the default pack', () => {
  it('is the same in packs/default.yaml and in the code', () => {
    expect(readFileSync(new URL('../../packs/default.yaml', import.meta.url), 'utf8')).toBe(DEFAULT_PACK_YAML);
    expect(defaultPack().policies.chain).toEqual(['pii-detector']);
    expect(defaultPack().policy['pii-detector']?.redaction.marker_format).toBe('label');
  });

  it('loads from a file path too', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cardveil-pack-'));
    const file = join(dir, 'p.yaml');
    writeFileSync(file, DEFAULT_PACK_YAML);
    expect(loadPack(file)).toEqual(defaultPack());
  });
});

describe('suggestions', () => {
  it('computes edit distance and picks the closest plausible candidate', () => {
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(suggest('fuzzy_match', ['fuzzy_matching', 'max_distance'])).toBe('fuzzy_matching');
    expect(suggest('blocked-terms', ['blocked_terms'])).toBe('blocked_terms');
    expect(suggest('zebra', ['pack', 'policy'])).toBeUndefined();
  });
});
