/**
 * The append-only, hash-chained audit trail writer.
 *
 * One instance owns one trail path; it is not safe to have two writers (in one or several
 * processes) on the same path, because each continues the chain from the last record it knows.
 * Appends are synchronous (`writeSync` on an `a`-mode descriptor): records land in call order, a
 * record is on disk (in the OS cache, or on the device with `fsync: always`) when `append` returns,
 * and the cost is one small write, cheap enough for the gateway's per-request budget.
 *
 * On open, the chain resumes from the last record on disk, whose own hash is checked first: a
 * trail whose tail is damaged or chained with another algorithm refuses to open (fail closed)
 * rather than silently starting a second chain. Run `cardveil audit verify` to find the damage.
 */
import { closeSync, fstatSync, fsyncSync, openSync, readSync, renameSync, writeSync } from 'node:fs';
import { AuditError } from './errors.js';
import { trailFiles } from './files.js';
import type { AuditEntry, AuditRecord, HashAlgorithm } from './record.js';
import { safeText } from './sanitize.js';
import { algorithmFor, checkLine, seal } from './seal.js';

export interface AuditTrailOptions {
  readonly path: string;
  /** `always`: fsync after each record. Default `never`. */
  readonly fsync?: 'always' | 'never';
  /** Rotate before a record would push the active file past this size (0: never). */
  readonly rotateBytes?: number;
  /** HMAC-SHA-256 key (at least 16 bytes); plain SHA-256 chaining without it. */
  readonly hmacKey?: Buffer;
  /** Clock, for tests that need fixed times. */
  readonly now?: () => Date;
}

const TAIL_READ = 64 * 1024;

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** Last complete line of a file, or undefined when the file is missing or empty. */
function lastLine(path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return undefined;
    const length = Math.min(size, TAIL_READ);
    const buf = Buffer.alloc(length);
    readSync(fd, buf, 0, length, size - length);
    const text = buf.toString('utf8');
    if (!text.endsWith('\n')) return text.slice(text.lastIndexOf('\n') + 1); // torn write: checked as malformed
    const body = text.slice(0, -1);
    return body.slice(body.lastIndexOf('\n') + 1);
  } finally {
    closeSync(fd);
  }
}

/**
 * Appends hash-chained records to a JSON-lines file.
 *
 * @example
 * const trail = new AuditTrail({ path: 'audit.jsonl', rotateBytes: 10_000_000 });
 * trail.append({ event: 'chain.evaluate', request_id: 'r1', actor: 'anonymous', source: 'local',
 *   resource: 'scrubText', outcome: 'success', pack: { name: 'p', version: '1', hash: 'h' },
 *   verdict: 'redacted', reasons: [], counts: { 'pci.pan': 1 }, finding_types: ['pan'], latency_ms: 0.02 });
 * trail.close();
 */
export class AuditTrail {
  readonly path: string;
  readonly algorithm: HashAlgorithm;
  private readonly key: Buffer | undefined;
  private readonly fsyncEach: boolean;
  private readonly rotateBytes: number;
  private readonly now: () => Date;
  private fd: number | undefined;
  private size: number;
  private seq: number;
  private prev: string;
  private nextRotation: number;

  /** @throws AuditError `ERR_AUDIT_CORRUPT` / `ERR_AUDIT_ALG_MISMATCH` / `ERR_AUDIT_KEY`. */
  constructor(options: AuditTrailOptions) {
    if (options.hmacKey !== undefined && options.hmacKey.length < 16) {
      throw new AuditError('ERR_AUDIT_KEY', `audit HMAC key is ${options.hmacKey.length} bytes; at least 16 are required`);
    }
    this.path = options.path;
    this.key = options.hmacKey;
    this.algorithm = algorithmFor(this.key);
    this.fsyncEach = options.fsync === 'always';
    this.rotateBytes = options.rotateBytes ?? 0;
    this.now = options.now ?? (() => new Date());

    const files = trailFiles(this.path);
    this.nextRotation = files.length > 1 ? files[files.length - 2]!.index + 1 : 1;
    this.seq = 0;
    this.prev = '';
    // The newest record is the last line of the active file, or of the newest rotated file when
    // rotation just happened and the active file is still empty.
    for (let i = files.length - 1; i >= 0; i--) {
      const file = files[i]!;
      const line = lastLine(file.path);
      if (line === undefined) continue;
      this.resumeFrom(line, file.path);
      break;
    }
    this.fd = openSync(this.path, 'a', 0o600);
    this.size = fstatSync(this.fd).size;
  }

  private resumeFrom(line: string, file: string): void {
    const check = checkLine(line, this.key);
    const alg = check.ok ? check.record.alg : check.record?.alg;
    if (alg !== undefined && alg !== this.algorithm) {
      throw new AuditError(
        'ERR_AUDIT_ALG_MISMATCH',
        `${file}: trail is chained with ${String(alg)} but the audit-logger is configured for ${this.algorithm}; use a new path`,
      );
    }
    if (!check.ok || typeof check.record.seq !== 'number') {
      throw new AuditError(
        'ERR_AUDIT_CORRUPT',
        `${file}: last record cannot be trusted (${check.ok ? 'no seq' : check.message}); run \`cardveil audit verify ${this.path}\``,
      );
    }
    this.seq = check.record.seq;
    this.prev = check.hash;
  }

  /** Sequence number of the last record written (0 for an empty trail). */
  get lastSeq(): number {
    return this.seq;
  }

  /** Hash of the last record written: anchor it elsewhere to detect truncation later. */
  get head(): string {
    return this.prev;
  }

  /**
   * Seals and writes one record. Returns it as written.
   * @throws AuditError `ERR_AUDIT_CLOSED`, `ERR_AUDIT_WRITE` (the caller must fail closed).
   */
  append(entry: AuditEntry): AuditRecord {
    if (this.fd === undefined) throw new AuditError('ERR_AUDIT_CLOSED', 'audit trail is closed');
    // Built field by field (no object spreads): the key order is the line's field order, which
    // the hash covers, so optional fields go exactly where they always went.
    const record: Writable<AuditRecord> = {
      v: 1 as const,
      seq: this.seq + 1,
      time: this.now().toISOString(),
      event: safeText(entry.event),
      request_id: safeText(entry.request_id),
      actor: safeText(entry.actor),
      source: safeText(entry.source),
      resource: safeText(entry.resource),
      outcome: entry.outcome,
      pack: entry.pack,
      verdict: entry.verdict,
      reasons: entry.reasons,
      counts: entry.counts,
      finding_types: entry.finding_types,
    } as Writable<AuditRecord>;
    if (entry.routing !== undefined) record.routing = entry.routing;
    if (entry.status !== undefined) record.status = entry.status;
    record.latency_ms = Math.round(entry.latency_ms * 1000) / 1000;
    record.alg = this.algorithm;
    record.prev = this.prev;
    const { line, hash } = seal(record, this.key);
    // Written as a string: Node encodes it straight into the write call, with no Buffer to
    // allocate (and later collect) per record.
    const text = `${line}\n`;
    const length = Buffer.byteLength(text, 'utf8');
    try {
      if (this.rotateBytes > 0 && this.size > 0 && this.size + length > this.rotateBytes) this.rotate();
      writeSync(this.fd, text, null, 'utf8');
      if (this.fsyncEach) fsyncSync(this.fd);
    } catch (error) {
      throw new AuditError('ERR_AUDIT_WRITE', `cannot append to audit trail ${this.path}`, { cause: error });
    }
    this.size += length;
    this.seq = record.seq;
    this.prev = hash;
    record.hash = hash; // last key, as in the line
    return record;
  }

  private rotate(): void {
    closeSync(this.fd!);
    this.fd = undefined;
    renameSync(this.path, `${this.path}.${this.nextRotation}`);
    this.nextRotation += 1;
    this.fd = openSync(this.path, 'a', 0o600);
    this.size = 0;
  }

  /** Flushes to the device and closes. Idempotent. */
  close(): void {
    if (this.fd === undefined) return;
    try {
      fsyncSync(this.fd);
    } finally {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }
}
