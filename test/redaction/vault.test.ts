import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { KeyRing } from '../../lib/redaction/keys.js';
import { Vault, type VaultAuditEvent } from '../../lib/redaction/vault.js';

const dir = mkdtempSync(join(tmpdir(), 'cardveil-vault-'));
const k1 = { id: 'k1', bytes: Buffer.alloc(32, 1) };
const k2 = { id: 'k2', bytes: Buffer.alloc(32, 2) };
const ring1: KeyRing = { current: k1, byId: new Map([['k1', k1]]) };
const ring21: KeyRing = { current: k2, byId: new Map([['k2', k2], ['k1', k1]]) };
const PAN = '4111111111111111';

describe('vault', () => {
  it('round-trips a PAN through an encrypted SQLite row, auditing without the value', () => {
    const events: VaultAuditEvent[] = [];
    const path = join(dir, 'roundtrip.sqlite');
    const vault = Vault.open({ path, keys: ring1, onAudit: (e) => events.push(e) });
    const marker = vault.tokenize('pan', PAN);
    expect(marker).toMatch(/^\[VAULT:PAN:vt_[0-9a-f]{24}\]$/);
    expect(vault.tokenize('pan', PAN)).toBe(marker);
    const cap = vault.grant('ops@example.test', 'chargeback 42');
    expect(vault.detokenize(marker, cap)).toBe(PAN);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ event: 'detokenize', outcome: 'success', actor: 'ops@example.test', purpose: 'chargeback 42', type: 'pan' });
    expect(JSON.stringify(events)).not.toContain(PAN);
    vault.close();

    // The file holds ciphertext only.
    const db = new Database(path, { readonly: true });
    const rows = db.prepare('SELECT * FROM tokens').all() as { ciphertext: Buffer; key_id: string }[];
    db.close();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.key_id).toBe('k1');
    expect(rows[0]!.ciphertext.includes(Buffer.from(PAN))).toBe(false);
  });

  it('refuses to detokenize without a capability it issued', () => {
    const vault = Vault.open({ path: ':memory:', keys: ring1, onAudit: () => {} });
    const marker = vault.tokenize('pan', PAN);
    expect(() => vault.detokenize(marker, { actor: 'me', purpose: 'curious' })).toThrow(
      expect.objectContaining({ code: 'ERR_DETOKENIZE_DENIED' }),
    );
    const other = Vault.open({ path: ':memory:', keys: ring1, onAudit: () => {} });
    expect(() => vault.detokenize(marker, other.grant('me', 'x'))).toThrow(expect.objectContaining({ code: 'ERR_DETOKENIZE_DENIED' }));
  });

  it('refuses to grant detokenization without an audit sink', () => {
    const vault = Vault.open({ path: ':memory:', keys: ring1 });
    expect(() => vault.grant('me', 'x')).toThrow(
      expect.objectContaining({ code: 'ERR_DETOKENIZE_DENIED', message: 'detokenizing requires an audit sink: open the vault with onAudit' }),
    );
  });

  it('returns no value when the audit sink fails', () => {
    const vault = Vault.open({ path: ':memory:', keys: ring1, onAudit: () => { throw new Error('disk full'); } });
    const marker = vault.tokenize('pan', PAN);
    expect(() => vault.detokenize(marker, vault.grant('me', 'x'))).toThrow('disk full');
  });

  it('audits failures for unknown tokens', () => {
    const events: VaultAuditEvent[] = [];
    const vault = Vault.open({ path: ':memory:', keys: ring1, onAudit: (e) => events.push(e) });
    expect(() => vault.detokenize('vt_000000000000000000000000', vault.grant('me', 'x'))).toThrow(
      expect.objectContaining({ code: 'ERR_TOKEN_UNKNOWN' }),
    );
    expect(events).toEqual([expect.objectContaining({ outcome: 'failure', code: 'ERR_TOKEN_UNKNOWN', token: 'vt_000000000000000000000000' })]);
  });

  it('never stores sensitive authentication data', () => {
    const vault = Vault.open({ path: ':memory:', keys: ring1 });
    for (const type of ['cvv', 'track1', 'track2', 'pin', 'pin_block']) {
      expect(() => vault.tokenize(type, '123')).toThrow(
        expect.objectContaining({ code: 'ERR_SAD_STORAGE', message: `refusing to store ${type}: sensitive authentication data is never stored (PCI DSS 3.3)` }),
      );
    }
  });

  it('reads old tokens after key rotation and issues new ones under the new key', () => {
    const path = join(dir, 'rotate.sqlite');
    const before = Vault.open({ path, keys: ring1 });
    const oldMarker = before.tokenize('pan', PAN);
    before.close();
    const after = Vault.open({ path, keys: ring21, onAudit: () => {} });
    const cap = after.grant('me', 'rotation test');
    expect(after.detokenize(oldMarker, cap)).toBe(PAN);
    const newMarker = after.tokenize('pan', PAN);
    expect(newMarker).not.toBe(oldMarker);
    expect(after.detokenize(newMarker, cap)).toBe(PAN);
    after.close();
    const withoutOld = Vault.open({ path, keys: { current: k2, byId: new Map([['k2', k2]]) }, onAudit: () => {} });
    expect(() => withoutOld.detokenize(oldMarker, withoutOld.grant('me', 'x'))).toThrow(
      expect.objectContaining({ code: 'ERR_TOKEN_UNKNOWN' }),
    );
  });

  it('detects a ciphertext moved to another token', () => {
    const path = join(dir, 'tamper.sqlite');
    const vault = Vault.open({ path, keys: ring1, onAudit: () => {} });
    const a = vault.tokenize('pan', PAN);
    const b = vault.tokenize('pan', '5555555555554444');
    const db = new Database(path);
    const idA = /vt_[0-9a-f]+/.exec(a)![0];
    const idB = /vt_[0-9a-f]+/.exec(b)![0];
    const rowA = db.prepare('SELECT iv, ciphertext, tag FROM tokens WHERE token = ?').get(idA) as { iv: Buffer; ciphertext: Buffer; tag: Buffer };
    db.prepare('UPDATE tokens SET iv = ?, ciphertext = ?, tag = ? WHERE token = ?').run(rowA.iv, rowA.ciphertext, rowA.tag, idB);
    db.close();
    expect(() => vault.detokenize(b, vault.grant('me', 'x'))).toThrow(expect.objectContaining({ code: 'ERR_TOKEN_UNKNOWN' }));
  });
});
