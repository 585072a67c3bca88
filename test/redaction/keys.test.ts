import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadKey, loadKeyRing } from '../../lib/redaction/keys.js';

const dir = mkdtempSync(join(tmpdir(), 'cardveil-keys-'));
const hex64 = 'ab'.repeat(32);

describe('keys', () => {
  it('reads a raw key from an environment variable', () => {
    const key = loadKey({ id: 'k1', secret_key_ref: { env: 'K' } }, { K: 'x'.repeat(32) });
    expect(key).toEqual({ id: 'k1', bytes: Buffer.from('x'.repeat(32)) });
  });

  it('decodes hex: and base64: values and trims a file trailing newline', () => {
    expect(loadKey({ id: 'h', secret_key_ref: { env: 'K' } }, { K: `hex:${hex64}` }).bytes).toEqual(Buffer.alloc(32, 0xab));
    const file = join(dir, 'b64.key');
    writeFileSync(file, `base64:${Buffer.alloc(48, 1).toString('base64')}\n`);
    expect(loadKey({ id: 'f', secret_key_ref: { file } }).bytes).toEqual(Buffer.alloc(48, 1));
  });

  it('refuses a missing environment variable', () => {
    expect(() => loadKey({ id: 'k1', secret_key_ref: { env: 'CARDVEIL_NOPE' } }, {})).toThrow(
      expect.objectContaining({ code: 'ERR_KEY_MISSING', message: 'key "k1": environment variable CARDVEIL_NOPE is not set' }),
    );
  });

  it('refuses a missing key file', () => {
    const file = join(dir, 'absent.key');
    expect(() => loadKey({ id: 'k1', secret_key_ref: { file } })).toThrow(
      expect.objectContaining({ code: 'ERR_KEY_MISSING', message: `key "k1": key file ${file} does not exist` }),
    );
  });

  it('refuses a key shorter than 32 bytes', () => {
    expect(() => loadKey({ id: 'k1', secret_key_ref: { env: 'K' } }, { K: 'short-key' })).toThrow(
      expect.objectContaining({ code: 'ERR_KEY_TOO_SHORT', message: 'key "k1" (environment variable K) is 9 bytes; at least 32 are required' }),
    );
    expect(() => loadKey({ id: 'k1', secret_key_ref: { env: 'K' } }, { K: 'hex:abcd' })).toThrow(expect.objectContaining({ code: 'ERR_KEY_TOO_SHORT' }));
  });

  it('refuses malformed hex', () => {
    expect(() => loadKey({ id: 'k1', secret_key_ref: { env: 'K' } }, { K: 'hex:xyz' })).toThrow(expect.objectContaining({ code: 'ERR_KEY_INVALID' }));
  });

  it('makes the first key of a ring current and keeps the others by id', () => {
    const ring = loadKeyRing(
      [
        { id: 'new', secret_key_ref: { env: 'A' } },
        { id: 'old', secret_key_ref: { env: 'B' } },
      ],
      { A: 'a'.repeat(32), B: 'b'.repeat(32) },
    );
    expect(ring.current.id).toBe('new');
    expect([...ring.byId.keys()]).toEqual(['new', 'old']);
    expect(() => loadKeyRing([], {})).toThrow(expect.objectContaining({ code: 'ERR_KEY_REQUIRED' }));
  });
});
