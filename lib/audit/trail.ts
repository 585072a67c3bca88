/**
 * The append-only, hash-chained audit trail writer.
 *
 * One instance owns one trail path; it is not safe to have two writers (in one or several
 * processes) on the same path, because each continues the chain from the last record it knows.
 *
 * `append` seals a record synchronously (sequence number, time, hash chained to the previous one),
 * so records keep call order and the chain never depends on when bytes reach the file. When they
 * reach it depends on the fsync policy:
 *
 * - `fsync: always`: every record is written and fsynced before `append` returns.
 * - `fsync: never` (default): records are batched and written together, in one `write`, at the
 *   end of the current event-loop turn (`setImmediate`), when the next record would overflow the
 *   64 KB batch, on `flush()`, `close()`, and when the process exits. One write per record cost more than the rest of a
 *   4 KB prompt's evaluation outside the detector; one per batch is a fraction of a microsecond per
 *   record. The gateway and the middleware call `flush()` (through `AuditLogger.end`) before they
 *   answer, so a request's record is in the file before its response leaves.
 *
 * What a crash can lose with `fsync: never`: a process killed by a signal (SIGKILL, the OOM
 * killer, a native crash) loses the records batched in the current turn: at most 64 KB, records of
 * direct `evaluate()` calls that already returned (never a gateway request that was answered). An
 * OS crash or power loss loses what the OS had not yet written back, as before. A write error
 * fails closed: the batched records are lost and counted in the error, and every later `append`
 * throws `ERR_AUDIT_WRITE` (so the chain blocks) until the trail is reopened, which resumes from
 * the last record on disk or refuses a torn one.
 *
 * On open, the chain resumes from the last record on disk, whose own hash is checked first: a
 * trail whose tail is damaged or chained with another algorithm refuses to open (fail closed)
 * rather than silently starting a second chain. Run `cardveil audit verify` to find the damage.
 */
import { closeSync, fstatSync, fsyncSync, openSync, readSync, renameSync, writeSync } from 'node:fs';
import { AuditError } from './errors.js';
import { trailFiles } from './files.js';
import { recordJson } from './json.js';
import type { AuditEntry, AuditRecord, HashAlgorithm } from './record.js';
import { safeText } from './sanitize.js';
import { algorithmFor, checkLine, seal } from './seal.js';

export interface AuditTrailOptions {
  readonly path: string;
  /** `always`: write and fsync each record before `append` returns. Default `never`: batched writes (see above). */
  readonly fsync?: 'always' | 'never';
  /** Rotate before a record would push the active file past this size (0: never). */
  readonly rotateBytes?: number;
  /** HMAC-SHA-256 key (at least 16 bytes); plain SHA-256 chaining without it. */
  readonly hmacKey?: Buffer;
  /** Clock, for tests that need fixed times. */
  readonly now?: () => Date;
}

const TAIL_READ = 64 * 1024;
/**
 * Size of the batch buffer: a record that does not fit triggers a write without waiting for the
 * end of the turn. 64 KB: one write per ~110 records; larger writes cost more than their share here.
 */
const BATCH_BYTES = 64 * 1024;

/** Trails with batched records, written by the `exit` handler if the process ends first. */
const batchedTrails = new Set<AuditTrail>();
let exitHookInstalled = false;

function flushAtExit(): void {
  for (const trail of batchedTrails) {
    try {
      trail.flush();
    } catch {
      // Nothing is left to block at exit; the trail's tail shows what was lost (verify says so).
    }
  }
}

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
  private readonly time: () => string;
  private fd: number | undefined;
  /**
   * Sealed lines not yet written, encoded as they are sealed into one reused buffer: the write
   * at the end of the turn is then only the system call (no join, no encoding, no garbage).
   */
  private readonly batch = Buffer.allocUnsafe(BATCH_BYTES);
  private batchBytes = 0;
  private batchRecords = 0;
  private flushScheduled = false;
  /** Set by a failed write: every later append and flush throws it. */
  private failure: AuditError | undefined;
  private lastMs = -1;
  private lastIso = '';
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
    const now = options.now;
    this.time = now === undefined ? () => this.isoNow() : () => now().toISOString();

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

  /** Sequence number of the last record sealed (0 for an empty trail). */
  get lastSeq(): number {
    return this.seq;
  }

  /** Hash of the last record sealed: after `flush()`, anchor it elsewhere to detect truncation later. */
  get head(): string {
    return this.prev;
  }

  /**
   * Seals one record and batches it for writing (written now with `fsync: always`). Returns it.
   * @throws AuditError `ERR_AUDIT_CLOSED`, `ERR_AUDIT_WRITE` (the caller must fail closed).
   */
  append(entry: AuditEntry): AuditRecord {
    if (this.fd === undefined) throw new AuditError('ERR_AUDIT_CLOSED', 'audit trail is closed');
    if (this.failure !== undefined) throw this.failure;
    // Built field by field (no object spreads): the key order is the line's field order, which
    // the hash covers, so optional fields go exactly where they always went.
    const record: Writable<AuditRecord> = {
      v: 1 as const,
      seq: this.seq + 1,
      time: this.time(),
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
    const { line, hash } = seal(recordJson(record), this.key);
    let length: number;
    if (this.rotateBytes === 0 && this.batchBytes + line.length * 3 + 1 <= BATCH_BYTES) {
      // Room for the worst case: encode straight into the batch, then the newline (no length
      // pass over the line, no concatenation).
      length = this.batch.write(line, this.batchBytes, 'utf8') + 1;
      this.batch[this.batchBytes + length - 1] = 0x0a;
      this.batchBytes += length;
      this.batchRecords += 1;
    } else length = this.appendLine(`${line}\n`);
    this.size += length;
    this.seq = record.seq;
    this.prev = hash;
    record.hash = hash; // last key, as in the line
    if (this.fsyncEach) this.flush();
    else if (this.batchBytes > 0) this.scheduleFlush();
    return record;
  }

  /** Batches (or writes) one line where rotation may be due or the batch may be short of room; returns its bytes. */
  private appendLine(text: string): number {
    const length = Buffer.byteLength(text, 'utf8');
    if (this.rotateBytes > 0 && this.size > 0 && this.size + length > this.rotateBytes) {
      this.flush(); // the batched records belong to the file being rotated out
      try {
        this.rotate();
      } catch (error) {
        throw this.fail(error, 0);
      }
    }
    if (this.batchBytes + length > BATCH_BYTES) this.flush(); // make room
    if (length > BATCH_BYTES) {
      this.writeOut(Buffer.from(text, 'utf8'), 1); // a record larger than the batch goes on its own
    } else {
      this.batch.write(text, this.batchBytes, 'utf8');
      this.batchBytes += length;
      this.batchRecords += 1;
    }
    return length;
  }

  /**
   * Writes the batched records now (and fsyncs them with `fsync: always`). The gateway calls it
   * before answering a request; call it before reading the trail in the same turn.
   * @throws AuditError `ERR_AUDIT_WRITE` (now or from an earlier failed write).
   */
  flush(): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.fd === undefined) return;
    const bytes = this.batchBytes;
    const records = this.batchRecords;
    this.batchBytes = 0;
    this.batchRecords = 0;
    batchedTrails.delete(this);
    if (bytes > 0) this.writeOut(this.batch.subarray(0, bytes), records);
  }

  /** Writes `bytes` (holding `records` sealed records) at the end of the file, fsynced with `fsync: always`. */
  private writeOut(bytes: Buffer, records: number): void {
    try {
      // A regular file takes it all in one write; the loop covers a short write anyway.
      for (let at = 0; at < bytes.length; ) at += writeSync(this.fd!, bytes, at, bytes.length - at);
    } catch (error) {
      throw this.fail(error, records);
    }
    if (this.fsyncEach) this.sync(records);
  }

  private sync(records: number): void {
    try {
      fsyncSync(this.fd!);
    } catch (error) {
      throw this.fail(error, records);
    }
  }

  /** Makes the trail refuse every later append: records it sealed may be missing from the file. */
  private fail(cause: unknown, lost: number): AuditError {
    this.failure = new AuditError(
      'ERR_AUDIT_WRITE',
      `cannot append to audit trail ${this.path} (${lost} sealed record(s) not written); the trail refuses further records until it is reopened`,
      { cause },
    );
    return this.failure;
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    batchedTrails.add(this);
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.on('exit', flushAtExit);
    }
    setImmediate(() => {
      this.flushScheduled = false;
      try {
        this.flush();
      } catch {
        // Kept in `failure`: the next append throws it, so the chain blocks from then on.
      }
    });
  }

  /** ISO time, formatted once per millisecond (a busy trail seals many records per millisecond). */
  private isoNow(): string {
    const ms = Date.now();
    if (ms !== this.lastMs) {
      this.lastMs = ms;
      this.lastIso = new Date(ms).toISOString();
    }
    return this.lastIso;
  }

  private rotate(): void {
    closeSync(this.fd!);
    this.fd = undefined;
    renameSync(this.path, `${this.path}.${this.nextRotation}`);
    this.nextRotation += 1;
    this.fd = openSync(this.path, 'a', 0o600);
    this.size = 0;
  }

  /**
   * Writes what is batched, flushes to the device and closes. Idempotent.
   * @throws AuditError `ERR_AUDIT_WRITE` when batched records could not be written (the file is closed anyway).
   */
  close(): void {
    if (this.fd === undefined) return;
    try {
      this.flush();
      fsyncSync(this.fd);
    } finally {
      closeSync(this.fd);
      this.fd = undefined;
      this.batchBytes = 0;
      this.batchRecords = 0;
      batchedTrails.delete(this);
    }
  }
}
