import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditLogger } from '../../lib/audit/logger.js';
import { AuditTrail } from '../../lib/audit/trail.js';
import { verifyTrail } from '../../lib/audit/verify.js';
import { PolicyEngine } from '../../lib/policy/engine.js';
import type { PackInput } from '../../lib/policy/schema.js';

const PACK: PackInput = {
  pack: { name: 'audit-test', version: '2.1.0' },
  policies: { chain: ['pii-detector', 'dlp-filter', 'audit-logger'] },
  policy: { 'pii-detector': { action: 'redact' }, 'dlp-filter': { blocked_terms: ['full card dump'], action: 'block' } },
};

function setup(): { engine: PolicyEngine; logger: AuditLogger; path: string } {
  const path = join(mkdtempSync(join(tmpdir(), 'cardveil-logger-')), 'audit.jsonl');
  const logger = new AuditLogger(new AuditTrail({ path }));
  const engine = new PolicyEngine(PACK, { links: { 'audit-logger': logger } });
  return { engine, logger, path };
}

const records = (path: string) => readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('AuditLogger in the chain', () => {
  it('writes one record per evaluation with counts and types, never values', () => {
    const { engine, logger, path } = setup();
    engine.evaluate('card 4111 1111 1111 1111 cvv: 123', { requestId: 'r-1', actor: 'alice', source: 'app.log' });
    engine.evaluate('send the full card dump');
    logger.trail.close();
    const [a, b] = records(path);
    expect(a).toMatchObject({
      seq: 1, event: 'chain.evaluate', request_id: 'r-1', actor: 'alice', source: 'app.log', outcome: 'success',
      verdict: 'redacted', finding_types: ['cvv', 'pan'], pack: { name: 'audit-test', version: '2.1.0' },
    });
    expect(a!.counts).toEqual({ 'pci.pan': 1, 'pci.cvv': 1 });
    expect((a!.pack as { hash: string }).hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(b).toMatchObject({ seq: 2, verdict: 'blocked', outcome: 'failure', reasons: ['dlp-filter:dlp_blocked'], actor: 'anonymous' });
    expect(readFileSync(path, 'utf8')).not.toMatch(/4111|dump/);
    // The CVV 123 may occur by chance in a latency, a time or a base64url hash: look elsewhere.
    const content = records(path).map(({ latency_ms, time, hash, prev, pack, ...rest }) => rest);
    expect(JSON.stringify(content)).not.toMatch(/123/);
    engine.close();
  });

  it('folds the evaluations of one request into one record', async () => {
    const { engine, logger, path } = setup();
    logger.begin('req-9');
    engine.evaluate('card 4111111111111111', { requestId: 'req-9', actor: 'key:0011aabb', source: '10.0.0.1' });
    engine.evaluate('and 5555555555554444', { requestId: 'req-9' });
    engine.evaluate('nothing', { requestId: 'req-9' });
    const record = logger.end('req-9', { resource: 'POST /v1/chat/completions', status: 200, latencyMs: 1.23456 });
    expect(records(path)).toHaveLength(1); // end() flushes: the record is in the file before the response goes
    logger.trail.close();
    expect(record).toMatchObject({
      request_id: 'req-9', actor: 'key:0011aabb', source: '10.0.0.1', resource: 'POST /v1/chat/completions',
      verdict: 'redacted', status: 200, latency_ms: 1.235, counts: { 'pci.pan': 2 }, finding_types: ['pan'],
    });
    expect((await verifyTrail(path)).ok).toBe(true);
    engine.close();
  });

  it('fails closed: when the record cannot be written the evaluation is blocked', () => {
    const { engine, logger } = setup();
    logger.trail.close();
    const r = engine.evaluate('hello');
    expect(r.verdict).toBe('blocked');
    expect(r.text).toBe('[BLOCKED:audit-logger]');
    expect(r.reasons.map((x) => `${x.link}:${x.code}`)).toEqual(['audit-logger:link_failed']);
    engine.close();
  });
});
