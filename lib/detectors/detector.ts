/**
 * The Detector: one compiled database (built-in PCI triggers + card-window pass + custom DLP
 * patterns + blocked terms), one scan call per input or per batch, findings out.
 *
 * Inputs are always scanned as UTF-8 bytes (a string is encoded first) so that one set of byte
 * patterns serves both engines; offsets are reported in the input's own units (bytes for a
 * Uint8Array/Buffer, UTF-16 code units for a string). Immutable after construction and safe to
 * share; the database is freed by `close()` or at garbage collection.
 *
 * Fail closed: when the scan or the analysis throws, `detect` throws `DetectorError`
 * `ERR_DETECTION_FAILED`; callers must then block or fully redact the input, never pass it on.
 */
import { compile, deserialize, scanRecords } from '../engine/index.js';
import type { CompileOptions, Database, EngineKind } from '../engine/types.js';
import { analyse, type AnalysisContext } from './analyse.js';
import { customPatternSpecs, type CustomEntry } from './custom.js';
import { DetectorError } from './errors.js';
import type { RawFinding } from './finding.js';
import { builtinPatterns } from './patterns.js';
import { utf16Offsets } from './text.js';
import type { DetectOptions, DetectorOptions, Finding, Sensitivity } from './types.js';

const SENSITIVITIES: readonly Sensitivity[] = ['standard', 'high', 'restricted'];

function toBytes(input: unknown, what: string): Uint8Array {
  if (typeof input === 'string') return Buffer.from(input, 'utf8');
  if (input instanceof Uint8Array) return input;
  throw new DetectorError('ERR_INVALID_INPUT', `Expected a string or Uint8Array for ${what} but received ${input === null ? 'null' : typeof input}`);
}

/** Reused encoding buffer for `detect(string)`; grows to the largest prompt-sized input seen. */
let scratch = Buffer.allocUnsafeSlow(16 * 1024);
const SCRATCH_MAX = 256 * 1024;

/**
 * UTF-8 bytes of a string for ONE synchronous scan. A prompt-sized string is encoded into a reused
 * buffer instead of a new one per call (a new 4 KB+ Buffer is an off-heap allocation each time);
 * nothing keeps the bytes after `detect` returns (findings hold offsets and string slices), so
 * reuse is safe. Not for `detectBatch`, which holds every record's bytes at once.
 */
function encodeScratch(text: string): Uint8Array {
  const worst = text.length * 3;
  if (worst > SCRATCH_MAX) return Buffer.from(text, 'utf8');
  if (worst > scratch.length) scratch = Buffer.allocUnsafeSlow(Math.max(worst, scratch.length * 2));
  return scratch.subarray(0, scratch.write(text, 0, 'utf8'));
}

/**
 * Detects payment-card data.
 *
 * @example
 * const detector = new Detector({ sensitivity: 'standard' });
 * detector.detect('card 4111 1111 1111 1111 exp 12/27');
 * // [{ type: 'pan', brand: 'visa', start: 5, end: 24, flags: { testCard: true, ... }, ... },
 * //  { type: 'expiry', start: 29, end: 34, ... }]
 */
export class Detector {
  /** The engine that runs the scans. */
  readonly engine: EngineKind;
  readonly sensitivity: Sensitivity;
  readonly #db: Database;
  readonly #context: AnalysisContext;

  constructor(options: DetectorOptions = {}) {
    if (options === null || typeof options !== 'object') {
      throw new DetectorError('ERR_INVALID_OPTIONS', 'Expected an object for options');
    }
    const sensitivity = options.sensitivity ?? 'standard';
    if (!SENSITIVITIES.includes(sensitivity)) {
      throw new DetectorError('ERR_INVALID_OPTIONS', `Expected 'standard', 'high' or 'restricted' for sensitivity but received '${String(sensitivity)}'`);
    }
    const engine = options.engine ?? 'auto';
    const { patterns, cardWindows, evasionHints } = builtinPatterns();
    const { specs, entries } = customPatternSpecs(options.customPatterns, options.blockedTerms);
    this.#db = options.serialized !== undefined
      ? deserializeDatabase(options.serialized, engine)
      : compileDatabase([...patterns, ...specs], { cardWindows, evasionHints }, engine, entries);
    this.engine = this.#db.engine;
    this.sensitivity = sensitivity;
    this.#context = { sensitivity, cardWindows, custom: entries };
  }

  /**
   * Finds card data in one input. Offsets: bytes for a Uint8Array, UTF-16 units for a string.
   *
   * @example
   * new Detector().detect(Buffer.from('cvv: 123')) // [{ type: 'cvv', start: 5, end: 8, ... }]
   */
  detect(input: string | Uint8Array, options: DetectOptions = {}): Finding[] {
    const bytes = typeof input === 'string' ? encodeScratch(input) : toBytes(input, 'input');
    try {
      return this.#findings(input, bytes, analyse(bytes, this.#db.scan(bytes), this.#context), options);
    } catch (error) {
      throw failed(error);
    }
  }

  /**
   * Finds card data in many records (e.g. log lines) with ONE engine call.
   *
   * @example
   * new Detector().detectBatch(['ok', 'pan 4111111111111111']) // [[], [{ type: 'pan', ... }]]
   */
  detectBatch(records: readonly (string | Uint8Array)[], options: DetectOptions = {}): Finding[][] {
    if (!Array.isArray(records)) throw new DetectorError('ERR_INVALID_INPUT', 'Expected an array for records');
    const n = records.length;
    const bytes: Uint8Array[] = new Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const r = records[i];
      const b = r instanceof Uint8Array ? r : toBytes(r, `records[${i}]`);
      bytes[i] = b;
      total += b.length;
    }
    try {
      if (total > 0xffff_ffff) return this.#splitBatch(records, bytes, this.#db.scanBatch(bytes), options);
      // Records laid end to end in one buffer: one engine call that costs less per record than an
      // array of buffers (the copy is cheap next to the scan).
      const buffer = Buffer.allocUnsafe(total);
      const ends = new Uint32Array(n);
      let offset = 0;
      for (let i = 0; i < n; i++) {
        buffer.set(bytes[i]!, offset);
        offset += bytes[i]!.length;
        ends[i] = offset;
      }
      return this.#splitBatch(records, bytes, scanRecords(this.#db, buffer, ends), options);
    } catch (error) {
      throw failed(error);
    }
  }

  /** Findings per record from the batch's `[record, id, start, end]` quads. */
  #splitBatch(records: readonly (string | Uint8Array)[], bytes: Uint8Array[], quads: Float64Array, options: DetectOptions): Finding[][] {
    const n = records.length;
    // Split the [record, id, start, end] quads into per-record triples; most records have none.
    const perRecord: (number[] | undefined)[] = new Array(n);
    for (let k = 0; k < quads.length; k += 4) {
      const list = (perRecord[quads[k]!] ??= []);
      list.push(quads[k + 1]!, quads[k + 2]!, quads[k + 3]!);
    }
    const out: Finding[][] = new Array(n);
    for (let i = 0; i < n; i++) {
      const triples = perRecord[i];
      out[i] = triples ? this.#findings(records[i]!, bytes[i]!, analyse(bytes[i]!, Float64Array.from(triples), this.#context), options) : [];
    }
    return out;
  }

  /** The compiled database's bytes: pass them as `serialized` (same options) to skip compiling. */
  serialize(): Uint8Array {
    return this.#db.serialize();
  }

  /** Frees the engine's memory now. Idempotent. */
  close(): void {
    this.#db.close();
  }

  #findings(input: string | Uint8Array, bytes: Uint8Array, found: RawFinding[], options: DetectOptions): Finding[] {
    const text = typeof input === 'string' ? input : undefined;
    // Strings that are not pure ASCII need byte offsets mapped to UTF-16 units.
    const map = text !== undefined && bytes.length !== text.length
      ? utf16Offsets(text, found.flatMap((f) => [f.start, f.end]))
      : undefined;
    return found.map((f) => {
      const start = map ? map.get(f.start)! : f.start;
      const end = map ? map.get(f.end)! : f.end;
      const value = options.includeValues
        ? text !== undefined ? text.slice(start, end) : Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8')
        : undefined;
      const flags = { testCard: f.testCard, masked: f.masked, evasion: f.evasion };
      // Two literals rather than object spreads (cheaper per finding); key order as before.
      const finding: { -readonly [K in keyof Finding]: Finding[K] } = f.brand
        ? { type: f.type, brand: f.brand, start, end, confidence: f.confidence, detector: f.detector, flags }
        : { type: f.type, start, end, confidence: f.confidence, detector: f.detector, flags };
      if (value !== undefined) finding.value = value;
      return finding;
    });
  }
}

function failed(error: unknown): DetectorError {
  if (error instanceof DetectorError) return error;
  return new DetectorError('ERR_DETECTION_FAILED', `Detection failed; treat the input as sensitive: ${(error as Error)?.message ?? String(error)}`, { cause: error });
}

function compileDatabase(
  patterns: Parameters<typeof compile>[0],
  passes: CompileOptions,
  engine: 'auto' | EngineKind,
  entries: ReadonlyMap<number, CustomEntry>,
): Database {
  try {
    return compile(patterns, passes, { engine });
  } catch (error) {
    const e = error as { code?: string; patternId?: number; message?: string };
    if (e.code === 'ERR_PATTERN_COMPILE') {
      const entry = e.patternId !== undefined ? entries.get(e.patternId) : undefined;
      const what = entry?.kind === 'custom' ? `custom pattern "${entry.name}"` : entry?.kind === 'blocked' ? `blocked term "${entry.term}"` : 'a built-in pattern';
      throw new DetectorError('ERR_PATTERN_COMPILE', `${what} failed to compile: ${e.message ?? ''}`, { cause: error });
    }
    throw error;
  }
}

function deserializeDatabase(bytes: Uint8Array, engine: 'auto' | EngineKind): Database {
  if (!(bytes instanceof Uint8Array)) throw new DetectorError('ERR_INVALID_OPTIONS', 'Expected a Uint8Array for serialized');
  return deserialize(bytes, { engine });
}

let defaultDetector: Detector | undefined;

/**
 * Detects card data with a lazily created default Detector (standard sensitivity, best engine).
 *
 * @example
 * detect('pan=4111111111111111').map((f) => f.type) // ['pan']
 */
export function detect(input: string | Uint8Array, options?: DetectOptions): Finding[] {
  defaultDetector ??= new Detector();
  return defaultDetector.detect(input, options);
}
