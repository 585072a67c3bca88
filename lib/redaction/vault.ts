/**
 * The token vault: reversible tokens for PANs, kept in an embedded SQLite database.
 *
 * Each value is encrypted with AES-256-GCM under a key derived (HKDF-SHA-256) from the current
 * vault key; the token itself is an HMAC of the value under a second derived key, so the same card
 * gets the same token (no duplicate rows, correlatable logs) and the token reveals nothing without
 * the key. Rows record the key id, so old tokens stay readable after rotation while the old key is
 * still listed. The token, type and key id are bound to the ciphertext as GCM additional data: a
 * row copied under another token fails authentication.
 *
 * Sensitive authentication data (track, CVV, PIN) is refused: PCI DSS 3.3 forbids storing it even
 * encrypted.
 *
 * Detokenizing is deliberately awkward: it needs a capability object that only `grant()` issues,
 * an audit sink must be configured, and every attempt (success or failure) is reported to it
 * before any value is returned. Audit events carry the token, never the value.
 *
 * Thread rule: one Vault per thread (better-sqlite3 connections are not shareable); several
 * processes or workers may open the same file (WAL mode, busy timeout).
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type Database from 'better-sqlite3';
import { RedactionError } from './errors.js';
import type { Key, KeyRing } from './keys.js';
import { SAD_TYPES } from './sad.js';
import { TOKEN_HEX_CHARS } from './token.js';

/** What the audit sink receives for every detokenize attempt. Never the value. */
export interface VaultAuditEvent {
  readonly event: 'detokenize';
  readonly outcome: 'success' | 'failure';
  /** The token asked for (`vt_…`). */
  readonly token: string;
  readonly actor: string;
  readonly purpose: string;
  /** ISO 8601 time of the attempt. */
  readonly time: string;
  /** Finding type of the value (success only). */
  readonly type?: string;
  /** Error code (failure only). */
  readonly code?: string;
}

/** Proof that the holder was granted detokenization by a vault. Only `Vault.grant` makes one. */
export interface DetokenizeCapability {
  readonly actor: string;
  readonly purpose: string;
}

export interface VaultOptions {
  /** SQLite file (created if absent), or `:memory:`. */
  readonly path: string;
  readonly keys: KeyRing;
  /** Required for detokenizing: receives every attempt before a value is returned. */
  readonly onAudit?: (event: VaultAuditEvent) => void;
}

interface DerivedKey {
  readonly id: string;
  readonly enc: Buffer;
  readonly mac: Buffer;
}

interface Row {
  type: string;
  key_id: string;
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

const TOKEN_RE = /^(?:\[VAULT:[A-Z_0-9]+:)?(vt_[0-9a-f]+)\]?$/;

function derive(key: Key): DerivedKey {
  const enc = Buffer.from(hkdfSync('sha256', key.bytes, Buffer.alloc(0), 'cardveil/vault/enc', 32));
  const mac = Buffer.from(hkdfSync('sha256', key.bytes, Buffer.alloc(0), 'cardveil/vault/token', 32));
  return { id: key.id, enc, mac };
}

/**
 * @example
 * const vault = Vault.open({ path: 'cardveil-vault.sqlite', keys, onAudit: (e) => trail.push(e) });
 * const marker = vault.tokenize('pan', '4111111111111111'); // '[VAULT:PAN:vt_…]'
 * const pan = vault.detokenize(marker, vault.grant('ops@example', 'chargeback 1234'));
 */
export class Vault {
  private readonly db: Database.Database;
  private readonly current: DerivedKey;
  private readonly keys: ReadonlyMap<string, DerivedKey>;
  private readonly onAudit: ((event: VaultAuditEvent) => void) | undefined;
  private readonly issued = new WeakSet<object>();
  /** Tokens known to be stored, so repeated cards skip the INSERT. Bounded. */
  private readonly stored = new Set<string>();
  private readonly insert: Database.Statement<[string, string, string, Buffer, Buffer, Buffer, string]>;
  private readonly select: Database.Statement<[string], Row>;

  private constructor(db: Database.Database, keys: KeyRing, onAudit: ((event: VaultAuditEvent) => void) | undefined) {
    this.db = db;
    const derived = new Map<string, DerivedKey>();
    for (const [id, key] of keys.byId) derived.set(id, derive(key));
    this.keys = derived;
    this.current = derived.get(keys.current.id)!;
    this.onAudit = onAudit;
    this.insert = db.prepare(
      'INSERT OR IGNORE INTO tokens (token, type, key_id, iv, ciphertext, tag, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.select = db.prepare<[string], Row>('SELECT type, key_id, iv, ciphertext, tag FROM tokens WHERE token = ?');
  }

  /** @throws RedactionError `ERR_VAULT` when the database cannot be opened or created. */
  static open(options: VaultOptions): Vault {
    let db: Database.Database;
    try {
      // Loaded on first use: a pack without vault tokens never needs SQLite's native module (nor
      // pays its load time in every worker), and a broken install of it only fails the vault.
      const Sqlite = createRequire(import.meta.url)('better-sqlite3') as typeof Database;
      db = new Sqlite(options.path);
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
      db.exec(
        `CREATE TABLE IF NOT EXISTS tokens (
           token TEXT PRIMARY KEY, type TEXT NOT NULL, key_id TEXT NOT NULL,
           iv BLOB NOT NULL, ciphertext BLOB NOT NULL, tag BLOB NOT NULL, created_at TEXT NOT NULL
         ) WITHOUT ROWID`,
      );
    } catch (error) {
      throw new RedactionError('ERR_VAULT', `vault ${options.path} cannot be opened: ${(error as Error).message}`, { cause: error });
    }
    return new Vault(db, options.keys, options.onAudit);
  }

  /**
   * Stores `normalised` (encrypted) and returns its marker `[VAULT:<TYPE>:vt_<hex>]`.
   *
   * @throws RedactionError `ERR_SAD_STORAGE` for track, CVV or PIN data; `ERR_VAULT` on write failure.
   */
  tokenize(type: string, normalised: string): string {
    if (SAD_TYPES.has(type)) {
      throw new RedactionError('ERR_SAD_STORAGE', `refusing to store ${type}: sensitive authentication data is never stored (PCI DSS 3.3)`);
    }
    const key = this.current;
    const mac = createHmac('sha256', key.mac).update(type).update('\0').update(normalised).digest('hex');
    const token = `vt_${mac.slice(0, TOKEN_HEX_CHARS)}`;
    if (!this.stored.has(token)) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key.enc, iv);
      cipher.setAAD(Buffer.from(`${token}\0${type}\0${key.id}`));
      const ciphertext = Buffer.concat([cipher.update(normalised, 'utf8'), cipher.final()]);
      try {
        this.insert.run(token, type, key.id, iv, ciphertext, cipher.getAuthTag(), new Date().toISOString());
      } catch (error) {
        throw new RedactionError('ERR_VAULT', `vault write failed: ${(error as Error).message}`, { cause: error });
      }
      if (this.stored.size >= 100_000) this.stored.clear();
      this.stored.add(token);
    }
    return `[VAULT:${type.toUpperCase()}:${token}]`;
  }

  /**
   * Issues a detokenize capability for `actor` and `purpose` (both recorded on every use).
   *
   * @throws RedactionError `ERR_DETOKENIZE_DENIED` when the vault has no audit sink.
   */
  grant(actor: string, purpose: string): DetokenizeCapability {
    if (this.onAudit === undefined) {
      throw new RedactionError('ERR_DETOKENIZE_DENIED', 'detokenizing requires an audit sink: open the vault with onAudit');
    }
    if (actor.trim() === '' || purpose.trim() === '') {
      throw new RedactionError('ERR_DETOKENIZE_DENIED', 'a detokenize capability needs a non-empty actor and purpose');
    }
    const capability: DetokenizeCapability = Object.freeze({ actor, purpose });
    this.issued.add(capability);
    return capability;
  }

  /**
   * The original value of a token (`vt_…` or the whole `[VAULT:…]` marker). The attempt is audited
   * first; a failing audit sink means no value.
   *
   * @throws RedactionError `ERR_DETOKENIZE_DENIED` (capability not issued here), `ERR_TOKEN_UNKNOWN`.
   */
  detokenize(token: string, capability: DetokenizeCapability): string {
    if (!this.issued.has(capability) || this.onAudit === undefined) {
      throw new RedactionError('ERR_DETOKENIZE_DENIED', 'detokenize needs a capability issued by this vault (Vault.grant)');
    }
    const audit = this.onAudit;
    const id = TOKEN_RE.exec(token)?.[1] ?? token.slice(0, 64);
    const fail = (code: 'ERR_TOKEN_UNKNOWN', message: string): never => {
      audit({ event: 'detokenize', outcome: 'failure', token: id, actor: capability.actor, purpose: capability.purpose, time: new Date().toISOString(), code });
      throw new RedactionError(code, message);
    };
    const row = this.select.get(id);
    if (row === undefined) return fail('ERR_TOKEN_UNKNOWN', `token ${id} is not in this vault`);
    const key = this.keys.get(row.key_id);
    if (key === undefined) return fail('ERR_TOKEN_UNKNOWN', `token ${id} was stored under key "${row.key_id}", which is not loaded`);
    let value: string;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.enc, row.iv);
      decipher.setAAD(Buffer.from(`${id}\0${row.type}\0${row.key_id}`));
      decipher.setAuthTag(row.tag);
      value = Buffer.concat([decipher.update(row.ciphertext), decipher.final()]).toString('utf8');
    } catch {
      return fail('ERR_TOKEN_UNKNOWN', `token ${id} does not authenticate under key "${row.key_id}"`);
    }
    audit({ event: 'detokenize', outcome: 'success', token: id, actor: capability.actor, purpose: capability.purpose, time: new Date().toISOString(), type: row.type });
    return value;
  }

  /** Closes the database. Idempotent. */
  close(): void {
    if (this.db.open) this.db.close();
  }
}
