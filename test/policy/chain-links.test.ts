/**
 * The seed pack with the real routing and audit links (lib/routing, lib/audit) plugged in, on
 * every engine that loads here: the contract in lib/policy/chain.ts seen from both sides.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditLogger } from '../../lib/audit/logger.js';
import { AuditTrail } from '../../lib/audit/trail.js';
import { activeEngine } from '../../lib/engine/index.js';
import { PolicyEngine } from '../../lib/policy/engine.js';
import { loadPack } from '../../lib/policy/load.js';
import { Router } from '../../lib/routing/router.js';
import { RoutingLink } from '../../lib/routing/link.js';

const SEED = '/work/shared/packs/pci-ai-governance.yaml';
const engines = activeEngine() === 'hyperscan' ? (['javascript', 'hyperscan'] as const) : (['javascript'] as const);

describe.each(engines)('seed pack with routing and audit links (%s engine)', (engine) => {
  const pack = loadPack(SEED);
  const dir = mkdtempSync(join(tmpdir(), 'cardveil-links-'));
  const trailPath = join(dir, 'audit.jsonl');
  const audit = new AuditLogger(new AuditTrail({ path: trailPath }));
  const e = new PolicyEngine(pack, {
    engine,
    links: {
      'data-routing-policy': (p) => new RoutingLink(new Router(p.providers.targets, p.policy['data-routing-policy']!)),
      'audit-logger': audit,
    },
  });

  it('applies every link, records one audit line per evaluation, and never writes card data', () => {
    const redacted = e.evaluate('card 4111 1111 1111 1111 please', { actor: 'tester', source: '127.0.0.1' });
    expect(redacted.verdict).toBe('redacted');
    expect(redacted.text).toBe('card [REDACTED:PAN brand=visa last4=1111] please');
    expect(redacted.notApplied).toEqual([]);
    expect(redacted.skipped).toEqual(['data-routing-policy']);
    expect(redacted.applied).toEqual(['pii-detector', 'dlp-filter', 'audit-logger']);

    const blocked = e.evaluate('attach the full card dump for 5555555555554444', { actor: 'tester' });
    expect(blocked.verdict).toBe('blocked');
    expect(blocked.text).toBe('[BLOCKED:dlp-filter]');

    audit.trail.flush(); // records of direct evaluations are written at the end of the turn
    const lines = readFileSync(trailPath, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    const records = lines.map((l) => JSON.parse(l) as { verdict: string; actor: string; pack: { name: string } });
    expect(records.map((r) => r.verdict)).toEqual(['redacted', 'blocked']);
    expect(records[0]!.actor).toBe('tester');
    expect(records[0]!.pack.name).toBe('pci-ai-governance');
    const trail = readFileSync(trailPath, 'utf8');
    expect(trail).not.toContain('4111 1111 1111 1111');
    expect(trail).not.toContain('5555555555554444');
    expect(trail).not.toContain('full card dump');
  });
});
