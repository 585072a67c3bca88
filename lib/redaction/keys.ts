/**
 * Secret keys for keyed tokens and the vault, loaded once at start-up.
 *
 * A key is named by the pack (`secret_key_ref: {env: NAME}` or `{file: PATH}`) with an id, so keys
 * can rotate: the FIRST key of the list is the current one (new tokens), the others stay loaded to
 * read what they produced. Values are text: `hex:<hex>` or `base64:<base64>` decode to bytes,
 * anything else is taken as its UTF-8 bytes; surrounding whitespace (a file's trailing newline) is
 * trimmed. A missing key or one shorter than 32 bytes is an error at start-up: cardveil never falls
 * back to an unkeyed hash or to plaintext (PCI DSS 3.5.1.1).
 */
import { readFileSync } from 'node:fs';
import { RedactionError } from './errors.js';

export const MIN_KEY_BYTES = 32;

export type KeySource = { readonly env: string } | { readonly file: string };

export interface KeyRef {
  readonly id: string;
  readonly secret_key_ref: KeySource;
}

export interface Key {
  readonly id: string;
  readonly bytes: Buffer;
}

/** Loaded keys: `current` signs new tokens; `byId` reads old ones. */
export interface KeyRing {
  readonly current: Key;
  readonly byId: ReadonlyMap<string, Key>;
}

function describe(source: KeySource): string {
  return 'env' in source ? `environment variable ${source.env}` : `key file ${source.file}`;
}

function decode(text: string, id: string, source: KeySource): Buffer {
  const value = text.trim();
  if (value.startsWith('hex:')) {
    const hex = value.slice(4);
    if (!/^(?:[0-9a-fA-F]{2})+$/.test(hex)) {
      throw new RedactionError('ERR_KEY_INVALID', `key "${id}" (${describe(source)}): "hex:" value is not an even number of hex digits`);
    }
    return Buffer.from(hex, 'hex');
  }
  if (value.startsWith('base64:')) {
    const b64 = value.slice(7);
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(b64)) {
      throw new RedactionError('ERR_KEY_INVALID', `key "${id}" (${describe(source)}): "base64:" value is not base64`);
    }
    return Buffer.from(b64, 'base64');
  }
  return Buffer.from(value, 'utf8');
}

/**
 * Loads one key.
 *
 * @throws RedactionError `ERR_KEY_MISSING`, `ERR_KEY_TOO_SHORT` or `ERR_KEY_INVALID`.
 * @example
 * loadKey({ id: 'k1', secret_key_ref: { env: 'CARDVEIL_TOKEN_KEY' } }) // { id: 'k1', bytes: <Buffer ...> }
 */
export function loadKey(ref: KeyRef, env: NodeJS.ProcessEnv = process.env): Key {
  const source = ref.secret_key_ref;
  let text: string;
  if ('env' in source) {
    const value = env[source.env];
    if (value === undefined || value.trim() === '') {
      throw new RedactionError('ERR_KEY_MISSING', `key "${ref.id}": environment variable ${source.env} is not set`);
    }
    text = value;
  } else {
    try {
      text = readFileSync(source.file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        throw new RedactionError('ERR_KEY_MISSING', `key "${ref.id}": key file ${source.file} does not exist`);
      }
      throw new RedactionError('ERR_KEY_INVALID', `key "${ref.id}": key file ${source.file} cannot be read (${code ?? 'error'})`, { cause: error });
    }
  }
  const bytes = decode(text, ref.id, source);
  if (bytes.length < MIN_KEY_BYTES) {
    throw new RedactionError(
      'ERR_KEY_TOO_SHORT',
      `key "${ref.id}" (${describe(source)}) is ${bytes.length} bytes; at least ${MIN_KEY_BYTES} are required`,
    );
  }
  return { id: ref.id, bytes };
}

/**
 * Loads every key of a list; the first is current.
 *
 * @throws RedactionError `ERR_KEY_REQUIRED` for an empty list, or any `loadKey` error.
 */
export function loadKeyRing(refs: readonly KeyRef[], env: NodeJS.ProcessEnv = process.env): KeyRing {
  const first = refs[0];
  if (first === undefined) {
    throw new RedactionError('ERR_KEY_REQUIRED', 'token and vault redaction need a key: add redaction.keys to the pack');
  }
  const byId = new Map<string, Key>();
  for (const ref of refs) byId.set(ref.id, loadKey(ref, env));
  return { current: byId.get(first.id)!, byId };
}
