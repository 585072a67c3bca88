/**
 * Sealing and checking one trail line.
 *
 * A line is the JSON of the record with `hash` as its last field. The hash covers the exact bytes
 * before `,"hash":"` (which include `prev`, chaining the record to its predecessor), so there is
 * no canonicalisation step to get wrong: the verifier hashes what is on disk.
 *
 * Hashes are base64url rather than hex: a 64-digit hex string often contains a long run of decimal
 * digits that a card scanner (ours included) could take for a PAN; base64url practically never does.
 */
import { createHmac, hash as oneShotHash } from 'node:crypto';
import type { HashAlgorithm } from './record.js';

const HASH_MARK = ',"hash":"';

export function digest(prefix: string, key: Buffer | undefined): string {
  // One-shot SHA-256: no Hash object per record (strings are hashed as UTF-8, like update()).
  if (key === undefined) return oneShotHash('sha256', prefix, 'base64url');
  return createHmac('sha256', key).update(prefix, 'utf8').digest('base64url');
}

export function algorithmFor(key: Buffer | undefined): HashAlgorithm {
  return key === undefined ? 'sha256' : 'hmac-sha256';
}

/**
 * Turns a record's JSON (without `hash`; `prev` last) into a sealed line (no newline) and its hash.
 *
 * @example
 * seal(JSON.stringify({ v: 1, seq: 1, prev: '' }), undefined).line // '{"v":1,"seq":1,"prev":"","hash":"..."}'
 */
export function seal(json: string, key: Buffer | undefined): { line: string; hash: string } {
  const prefix = json.slice(0, -1);
  const hash = digest(prefix, key);
  return { line: `${prefix}${HASH_MARK}${hash}"}`, hash };
}

export type LineCheck =
  | { readonly ok: true; readonly record: Record<string, unknown>; readonly hash: string }
  | { readonly ok: false; readonly code: 'malformed' | 'hash_mismatch' | 'key_required'; readonly message: string; readonly record?: Record<string, unknown> };

/** Parses a line and recomputes its hash. `key` is needed for `hmac-sha256` lines. */
export function checkLine(line: string, key: Buffer | undefined): LineCheck {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return { ok: false, code: 'malformed', message: 'not valid JSON (truncated or edited line)' };
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) {
    return { ok: false, code: 'malformed', message: 'not a JSON object' };
  }
  const r = record as Record<string, unknown>;
  const at = line.lastIndexOf(HASH_MARK);
  if (at < 0 || typeof r.hash !== 'string' || line !== `${line.slice(0, at)}${HASH_MARK}${r.hash}"}`) {
    return { ok: false, code: 'malformed', message: 'no trailing "hash" field', record: r };
  }
  const alg = r.alg;
  if (alg !== 'sha256' && alg !== 'hmac-sha256') {
    return { ok: false, code: 'malformed', message: `unknown alg ${JSON.stringify(alg)}`, record: r };
  }
  if (alg === 'hmac-sha256' && key === undefined) {
    return { ok: false, code: 'key_required', message: 'record is HMAC-chained; the HMAC key is needed to verify it', record: r };
  }
  const expected = digest(line.slice(0, at), alg === 'hmac-sha256' ? key : undefined);
  if (expected !== r.hash) {
    return { ok: false, code: 'hash_mismatch', message: 'content does not match its hash (record edited)', record: r };
  }
  return { ok: true, record: r, hash: expected };
}
