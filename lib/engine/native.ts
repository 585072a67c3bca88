/**
 * The Hyperscan engine: a `Database` over the native addon.
 *
 * Policy lives here, not in C++: this file validates patterns and options, applies defaults and
 * hands the addon plain positional values (typed arrays of flags, ids and extension parameters).
 * The native object stays in a private field and never reaches callers.
 */
import { EngineError } from './errors.js';
import type { NativeAddon, NativeHandle, NativeStreamHandle } from './loader.js';
import type { CompileOptions, Database, MatchStream, PatternSpec, ScanInput } from './types.js';
import { EXTENSION_KEYS, invalid, validateCardWindows, validateEvasionHints, validateSpec } from './validate.js';


/** First bytes of every serialized native database (native/pattern_set.cc). */
export const NATIVE_MAGIC = 'CVHS';

/** Positional arguments for the addon's compile(), built from validated specs. */
interface CompileArgs {
  expressions: string[];
  flags: Uint32Array;
  ids: Uint32Array;
  ext: Float64Array;
  cardWindowId: number;
  rangeFrom: string[];
  rangeTo: string[];
  rangeLengthMasks: Uint32Array;
  evasionHintId: number;
  hintDigits: Uint32Array;
  hintInvisibles: Uint32Array;
}

function buildArgs(addon: NativeAddon, patterns: readonly PatternSpec[], options: CompileOptions): CompileArgs {
  if (!Array.isArray(patterns)) throw invalid('an array of patterns', 'patterns', patterns);
  const n = patterns.length;
  const args: CompileArgs = {
    expressions: [],
    flags: new Uint32Array(n),
    ids: new Uint32Array(n),
    ext: new Float64Array(n * 5).fill(-1),
    cardWindowId: -1,
    rangeFrom: [],
    rangeTo: [],
    rangeLengthMasks: new Uint32Array(0),
    evasionHintId: -1,
    hintDigits: new Uint32Array(0),
    hintInvisibles: new Uint32Array(0),
  };
  const F = addon.flags;
  patterns.forEach((spec: PatternSpec, i) => {
    validateSpec(spec, i);
    args.expressions.push(spec.expression);
    args.ids[i] = spec.id;
    const flags = spec.flags ?? {};
    args.flags[i] =
      (flags.caseless ? F.CASELESS : 0) |
      (flags.dotall ? F.DOTALL : 0) |
      (flags.multiline ? F.MULTILINE : 0) |
      (flags.singlematch ? F.SINGLEMATCH : 0) |
      (flags.leftmostStart ? F.SOM_LEFTMOST : 0) |
      (flags.utf8 ? F.UTF8 | F.UCP : 0);
    const extensions = spec.extensions ?? {};
    EXTENSION_KEYS.forEach((key, k) => {
      const value = extensions[key];
      if (value !== undefined) args.ext[i * 5 + k] = value;
    });
  });
  const cards = options.cardWindows;
  if (cards !== undefined) {
    validateCardWindows(cards);
    args.cardWindowId = cards.id;
    args.rangeFrom = cards.ranges.map((range) => range.from);
    args.rangeTo = cards.ranges.map((range) => range.to);
    args.rangeLengthMasks = Uint32Array.from(cards.ranges, (range) => range.lengths.reduce((mask, length) => mask | (1 << length), 0) >>> 0);
  }
  const hints = options.evasionHints;
  if (hints !== undefined) {
    validateEvasionHints(hints);
    args.evasionHintId = hints.id;
    args.hintDigits = Uint32Array.from(hints.digits.flat());
    args.hintInvisibles = Uint32Array.from(hints.invisibles.flat());
  }
  return args;
}

/** Rewrites the addon's compile error into one naming the pattern by id and index. */
function compileError(error: unknown, patterns: readonly PatternSpec[]): unknown {
  if (!(error instanceof EngineError) || error.code !== 'ERR_PATTERN_COMPILE') return error;
  const index = error.patternIndex;
  if (index === undefined) {
    return new EngineError('ERR_PATTERN_COMPILE', `The pattern set does not compile: ${error.message}`);
  }
  const id = patterns[index]!.id;
  return new EngineError('ERR_PATTERN_COMPILE', `Pattern ${id} (index ${index}) does not compile: ${error.message}`, {
    index,
    id,
  });
}

/**
 * A Hyperscan database. Safe for concurrent `scanAsync` calls (each takes its own scratch from a
 * pool); for worker threads, send `serialize()` bytes and `deserialize` them in each worker.
 *
 * @example
 * const db = compile([{ id: 1, expression: 'cvv' }], {}, { engine: 'hyperscan' }); // a NativeDatabase
 * db.scan('cvv'); // Float64Array [1, -1, 3]
 */
export class NativeDatabase implements Database {
  readonly engine = 'hyperscan' as const;
  readonly patternCount: number;
  readonly #native: NativeHandle;

  /** @internal Use `compile` or `deserialize` from lib/engine/index.ts. */
  constructor(native: NativeHandle) {
    this.#native = native;
    this.patternCount = native.patternCount();
  }

  scan(input: ScanInput): Float64Array {
    return this.#native.scan(input);
  }

  scanBatch(records: readonly ScanInput[]): Float64Array {
    return this.#native.scanBatch(records);
  }

  /**
   * Batch scan of records laid end to end in one buffer: record `r` is
   * `buffer[ends[r-1] .. ends[r])` (record 0 starts at 0). Returns `[record, id, start, end]`
   * quads, byte offsets relative to each record. The cheapest way to scan many short lines.
   *
   * @example
   * const buffer = Buffer.from('first line\nsecond line\n');
   * db.scanRecords(buffer, new Uint32Array([11, 23]));
   */
  scanRecords(buffer: Uint8Array, ends: Uint32Array): Float64Array {
    return this.#native.scanRecords(buffer, ends);
  }

  async scanAsync(input: ScanInput): Promise<Float64Array> {
    // The rejection comes from a libuv callback with no JS frames: keep the caller's stack.
    const site: { stack?: string } = {};
    Error.captureStackTrace(site, this.scanAsync);
    try {
      return await this.#native.scanAsync(input);
    } catch (error) {
      if (error instanceof Error && site.stack) error.stack = `${error.name}: ${error.message}${site.stack.slice(site.stack.indexOf('\n'))}`;
      throw error;
    }
  }

  openStream(): MatchStream {
    return new NativeStream(this.#native.openStream());
  }

  serialize(): Uint8Array {
    return this.#native.serialize();
  }

  close(): void {
    this.#native.close();
  }
}

class NativeStream implements MatchStream {
  readonly #native: NativeStreamHandle;

  constructor(native: NativeStreamHandle) {
    this.#native = native;
  }

  write(chunk: Uint8Array): Float64Array {
    return this.#native.write(chunk);
  }

  close(): Float64Array {
    return this.#native.close();
  }
}

/** Compiles `patterns` (and the card-window and evasion-hint passes) into a Hyperscan database. */
export function compileNative(addon: NativeAddon, patterns: readonly PatternSpec[], options: CompileOptions = {}): NativeDatabase {
  const a = buildArgs(addon, patterns, options);
  try {
    return new NativeDatabase(
      addon.compile(
        a.expressions,
        a.flags,
        a.ids,
        a.ext,
        a.cardWindowId,
        a.rangeFrom,
        a.rangeTo,
        a.rangeLengthMasks,
        a.evasionHintId,
        a.hintDigits,
        a.hintInvisibles,
      ),
    );
  } catch (error) {
    throw compileError(error, patterns);
  }
}

/** Turns `NativeDatabase.serialize()` bytes back into a database, without compiling. */
export function deserializeNative(addon: NativeAddon, bytes: Uint8Array): NativeDatabase {
  if (!(bytes instanceof Uint8Array)) throw invalid('a Uint8Array', 'bytes', bytes);
  return new NativeDatabase(addon.deserialize(bytes));
}

/** True when `bytes` start like a serialized native database. */
export function isNativeSerialization(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && String.fromCharCode(bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!) === NATIVE_MAGIC;
}
