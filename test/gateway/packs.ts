/** Test packs: the seed pack as it stands, with its target pointed at a local upstream. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { PackInput } from '../../lib/policy/schema.js';

export const SEED_PACK = '/work/shared/packs/pci-ai-governance.yaml';

/** The seed pack object with `base_url` set and the audit trail in a fresh temp dir. */
export function seedPack(upstreamUrl: string, overrides: { timeoutMs?: number; auditPath?: string } = {}): { pack: PackInput; auditPath: string } {
  const pack = parse(readFileSync(SEED_PACK, 'utf8')) as {
    providers: { targets: Record<string, unknown>[] };
    policy: Record<string, Record<string, unknown>>;
  };
  const target = pack.providers.targets[0]!;
  target.base_url = upstreamUrl;
  if (overrides.timeoutMs !== undefined) target.timeout_ms = overrides.timeoutMs;
  const auditPath = overrides.auditPath ?? join(mkdtempSync(join(tmpdir(), 'cardveil-gw-')), 'audit.jsonl');
  pack.policy['audit-logger'] = { path: auditPath };
  return { pack: pack as unknown as PackInput, auditPath };
}

export const UPSTREAM_KEY = 'sk-upstream-test-key';
export const ENV = { OPENAI_API_KEY: UPSTREAM_KEY };
