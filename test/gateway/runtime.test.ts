import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { verifyTrail } from '../../lib/audit/verify.js';
import { createGatewayRuntime } from '../../lib/gateway/runtime.js';
import type { PackInput } from '../../lib/policy/schema.js';
import { RoutingError } from '../../lib/routing/errors.js';
import { ENV, seedPack } from './packs.js';

type Editable = { policy: Record<string, Record<string, unknown>>; providers: { targets: Record<string, unknown>[] } };

describe('createGatewayRuntime', () => {
  it('honours hmac_key_ref and rotate_bytes from the pack', async () => {
    const { pack, auditPath } = seedPack('http://127.0.0.1:9/v1');
    (pack as unknown as Editable).policy['audit-logger'] = { path: auditPath, rotate_bytes: 2000, hmac_key_ref: { env: 'AUDIT_KEY' } };
    const key = 'an-audit-key-of-32-bytes-exactly';
    const rt = createGatewayRuntime(pack, { env: { ...ENV, AUDIT_KEY: key } });
    for (let i = 0; i < 8; i++) rt.engine.evaluate(`message ${i}`, { actor: 'test' });
    rt.close();
    const report = await verifyTrail(auditPath, { key: Buffer.from(key) });
    expect(report).toMatchObject({ ok: true, records: 8 });
    expect(report.files.length).toBeGreaterThan(1);
    expect(JSON.parse(readFileSync(auditPath, 'utf8').split('\n')[0]!)).toMatchObject({ alg: 'hmac-sha256', event: 'gateway.request' });
  });

  it('refuses to start without the audit key, the provider key, or with an unknown fallback', () => {
    const { pack } = seedPack('http://127.0.0.1:9/v1');
    const p = pack as unknown as Editable;
    const audit = p.policy['audit-logger']!;
    p.policy['audit-logger'] = { ...audit, hmac_key_ref: { env: 'NO_AUDIT_KEY' } };
    expect(() => createGatewayRuntime(pack, { env: ENV })).toThrow(new RoutingError('ERR_SECRET_MISSING', 'environment variable NO_AUDIT_KEY is not set or empty'));
    p.policy['audit-logger'] = audit;
    expect(() => createGatewayRuntime(pack, { env: {} })).toThrow(
      new RoutingError('ERR_SECRET_MISSING', 'target "pci-zdr": environment variable OPENAI_API_KEY is not set or empty'),
    );
    p.policy['data-routing-policy'] = { ...p.policy['data-routing-policy'], on_no_compliant_provider: 'local-llm' };
    expect(() => createGatewayRuntime(pack as PackInput, { env: ENV })).toThrow(
      new RoutingError('ERR_UNKNOWN_FALLBACK', 'on_no_compliant_provider names "local-llm", which is not a target id (targets: pci-zdr)'),
    );
  });
});
