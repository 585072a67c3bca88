/**
 * The pure-TypeScript engine: the `Database` contract of types.ts over V8 `RegExp`, used when the
 * Hyperscan addon cannot load or on request (`engine: 'javascript'`).
 *
 * Semantics, and where they differ from Hyperscan:
 * - Inputs are scanned as Hyperscan reads them: a `Uint8Array` as bytes (a latin1 string, one
 *   character per byte, so byte patterns and byte offsets are exact); a string as its UTF-8 bytes,
 *   with offsets mapped back to UTF-16 units (starts inside a character round down, ends round up,
 *   as the native engine does). ASCII strings are scanned as they are. `utf8` patterns run over
 *   decoded text instead; they never match invalid UTF-8 bytes (undefined in Hyperscan).
 * - Hyperscan reports every end offset at which a pattern matches; a RegExp finds leftmost,
 *   non-overlapping matches. They agree on patterns whose matches cannot nest or overlap
 *   (literal-anchored, bounded, `\b`-delimited: the built-in set); they differ otherwise, e.g. `a+`
 *   on "aaa" gives Hyperscan ends 1, 2, 3 and the fallback one match [0, 3).
 *   Approximate matching (editDistance/hammingDistance) is exact: every end offset is reported.
 * - minOffset/maxOffset/minLength filter the matches found (Hyperscan may find a shorter match
 *   that satisfies them where the RegExp found a longer one that does not).
 * - Streams keep at most `streamHistory` bytes (default 64 KiB): a match longer than that is not
 *   found. A match is reported once no later byte can change it (for a pattern of maximum width W
 *   that needs L bytes of look-ahead, once W + L bytes from its start have arrived), so variable
 *   width patterns may report a few bytes later than Hyperscan; `$`-anchored ones report at close.
 * - The card-window pass is the reference of card-windows.ts, run only on digit runs long enough to
 *   hold a PAN (card-runs.ts). The evasion-hint pass is the reference of evasion-hints.ts as it is
 *   (bytes for a `Uint8Array`, UTF-16 units for a string).
 * - Everything runs on the calling thread; `scanAsync` only defers the scan to a later turn. The
 *   compiled RegExp objects are shared by all scans and streams of a database: every pass sets
 *   `lastIndex` before it reads, and passes are synchronous, so they never interleave.
 */
import { scanCardWindows } from './card-runs.js';
import { sortTriples } from './card-windows.js';
import { EngineError } from './errors.js';
import { findEvasionHints } from './evasion-hints.js';
import { fuzzyEnds, fuzzyMaxWidth, type FuzzyTerm } from './fuzzy.js';
import { compileError, translatePattern } from './translate.js';
import type {
  CardWindowConfig,
  CompileOptions,
  Database,
  EvasionHintConfig,
  MatchStream,
  PatternSpec,
  ScanInput,
} from './types.js';
import { invalid, isUint32, validateCardWindows, validateEvasionHints, validateSpec } from './validate.js';

/** Options of the fallback beyond the shared `CompileOptions`. */
export interface FallbackCompileOptions extends CompileOptions {
  /** Bytes of history a stream keeps to find matches that span writes. Default 64 KiB. */
  readonly streamHistory?: number;
}

const DEFAULT_STREAM_HISTORY = 64 * 1024;
/** The largest block Hyperscan scans in one call (32-bit length). */
const MAX_BLOCK = 0xffffffff;
/**
 * "CVJSDB" + format version 2: distinct from the native blob so engines never swap databases.
 * Version 2 added `evasionHints` to the options; a reader of version 1 would drop them unseen, so
 * the version changed and each reader takes only its own.
 */
const MAGIC = [0x43, 0x56, 0x4a, 0x53, 0x44, 0x42, 0x00, 0x02];
/** Bytes a stream keeps for the evasion-hint pass: a cut 4-byte sequence's first 3 and the byte before. */
const HINT_CARRY = 4;
/** Window bytes the card-window pass must re-read: 19 digits with 18 gaps of 3 units of 3 bytes. */
const CARD_REACH = 200;
/** Bytes kept before a resume point so look-behind (`\b`, `^`) sees the true previous character. */
const CONTEXT = 8;

interface Compiled {
  readonly id: number;
  readonly regex: RegExp;
  readonly utf8: boolean;
  readonly singlematch: boolean;
  readonly leftmost: boolean;
  readonly minOffset: number;
  readonly maxOffset: number;
  readonly minLength: number;
  readonly fuzzy: FuzzyTerm | null;
  /** Bytes from a match's start after which it is certain (max width + look-ahead); may be Infinity. */
  readonly reach: number;
}

/**
 * Compiles patterns into a fallback database.
 *
 * @example
 * const db = compileFallback([{ id: 1, expression: '\\bcvv\\b', flags: { caseless: true, leftmostStart: true } }]);
 * db.scan('CVV: 123'); // Float64Array [1, 0, 3]
 */
export function compileFallback(patterns: readonly PatternSpec[], options: FallbackCompileOptions = {}): Database {
  return new FallbackDatabase(patterns, options);
}

/**
 * Rebuilds a database from `serialize()` bytes. Bytes from another engine or a damaged blob give
 * `EngineError('ERR_DESERIALIZE')`.
 *
 * @example
 * const copy = deserializeFallback(compileFallback([{ id: 1, expression: 'cvv' }]).serialize());
 */
export function deserializeFallback(bytes: Uint8Array): Database {
  if (!(bytes instanceof Uint8Array)) {
    throw invalid('a Uint8Array', 'bytes', bytes);
  }
  if (bytes.length < MAGIC.length || MAGIC.some((b, k) => bytes[k] !== b)) {
    throw new EngineError('ERR_DESERIALIZE', 'not a serialized JavaScript-engine database (wrong magic or version)');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + MAGIC.length, bytes.length - MAGIC.length).toString('utf8'));
  } catch {
    throw new EngineError('ERR_DESERIALIZE', 'serialized database is damaged (unreadable body)');
  }
  const body = parsed as { patterns?: unknown; options?: unknown };
  if (!body || !Array.isArray(body.patterns) || typeof body.options !== 'object' || body.options === null) {
    throw new EngineError('ERR_DESERIALIZE', 'serialized database is damaged (missing patterns or options)');
  }
  try {
    return new FallbackDatabase(body.patterns as PatternSpec[], body.options as FallbackCompileOptions);
  } catch (error) {
    const why = error instanceof EngineError ? error.message : 'invalid content';
    throw new EngineError('ERR_DESERIALIZE', `serialized database is damaged: ${why}`);
  }
}

function compilePattern(spec: PatternSpec, index: number): Compiled {
  validateSpec(spec, index);
  const bad = (why: string): never => {
    throw compileError(spec.id, index, why);
  };
  const ext = spec.extensions ?? {};
  if (ext.editDistance !== undefined && ext.hammingDistance !== undefined) {
    bad('cannot have both edit distance and Hamming distance');
  }
  if (ext.minOffset !== undefined && ext.maxOffset !== undefined && ext.minOffset > ext.maxOffset) {
    bad('min_offset must be less than or equal to max_offset');
  }
  if (ext.minLength !== undefined && ext.maxOffset !== undefined && ext.minLength > ext.maxOffset) {
    bad('min_length must be less than or equal to max_offset');
  }
  const t = translatePattern(spec, index);
  const distance = ext.editDistance ?? ext.hammingDistance;
  let fuzzy: FuzzyTerm | null = null;
  if (distance !== undefined) {
    if (t.utf8) bad('approximate matching is not supported with the utf8 flag');
    if (t.literal === null) {
      bad('approximate matching (editDistance/hammingDistance) supports only literal-like expressions in the fallback');
    }
    if (distance >= t.literal!.length) bad('pattern matches empty buffer at this distance');
    fuzzy = { tables: t.literal!, distance, hamming: ext.hammingDistance !== undefined };
  }
  // Stream certainty horizon in bytes: a utf8 character is up to 4 bytes.
  const unit = t.utf8 ? 4 : 1;
  const reach = fuzzy ? fuzzyMaxWidth(fuzzy) : (t.maxWidth + t.lookahead) * unit;
  return {
    id: spec.id,
    regex: new RegExp(t.source, t.flags),
    utf8: t.utf8,
    singlematch: spec.flags?.singlematch === true,
    leftmost: spec.flags?.leftmostStart === true,
    minOffset: ext.minOffset ?? 0,
    maxOffset: ext.maxOffset ?? Infinity,
    minLength: ext.minLength ?? 0,
    fuzzy,
    reach,
  };
}

/** True when a match passes the pattern's extended parameters. */
function accepts(p: Compiled, start: number, end: number): boolean {
  return end >= p.minOffset && end <= p.maxOffset && end - start >= p.minLength;
}

class FallbackDatabase implements Database {
  readonly engine = 'javascript' as const;
  readonly patternCount: number;
  private closed = false;
  private readonly compiled: readonly Compiled[];
  private readonly specs: readonly PatternSpec[];
  private readonly cardWindows: CardWindowConfig | undefined;
  private readonly evasionHints: EvasionHintConfig | undefined;
  private readonly history: number;
  private readonly hasUtf8: boolean;

  constructor(patterns: readonly PatternSpec[], options: FallbackCompileOptions) {
    if (!Array.isArray(patterns)) throw invalid('an array of patterns', 'patterns', patterns);
    if (typeof options !== 'object' || options === null) {
      throw invalid('an object', 'options', options);
    }
    const history = options.streamHistory ?? DEFAULT_STREAM_HISTORY;
    if (!Number.isSafeInteger(history) || history < 1024) {
      throw invalid('an integer >= 1024', 'options.streamHistory', history);
    }
    if (options.cardWindows !== undefined) validateCardWindows(options.cardWindows);
    if (options.evasionHints !== undefined) validateEvasionHints(options.evasionHints);
    this.compiled = patterns.map(compilePattern);
    this.specs = patterns.map((p) => structuredClone(p));
    this.cardWindows = options.cardWindows ? structuredClone(options.cardWindows) : undefined;
    this.evasionHints = options.evasionHints ? structuredClone(options.evasionHints) : undefined;
    this.history = history;
    this.patternCount = patterns.length;
    this.hasUtf8 = this.compiled.some((p) => p.utf8);
  }

  // Read by FallbackStream (this class is not exported).
  get patterns(): readonly Compiled[] {
    return this.compiled;
  }

  get cards(): CardWindowConfig | undefined {
    return this.cardWindows;
  }

  get hints(): EvasionHintConfig | undefined {
    return this.evasionHints;
  }

  get streamHistory(): number {
    return this.history;
  }

  assertOpen(): void {
    if (this.closed) throw new EngineError('ERR_DATABASE_CLOSED', 'the database is closed');
  }

  scan(input: ScanInput): Float64Array {
    this.assertOpen();
    return sortTriples(this.scanOne(checkInput(input, 'input')));
  }

  scanBatch(records: readonly ScanInput[]): Float64Array {
    this.assertOpen();
    if (!Array.isArray(records)) throw invalid('an array', 'records', records);
    const inputs = records.map((r, k) => checkInput(r, `records[${k}]`));
    const out: number[] = [];
    inputs.forEach((input, record) => {
      const triples = sortTriples(this.scanOne(input));
      for (let k = 0; k < triples.length; k += 3) out.push(record, triples[k]!, triples[k + 1]!, triples[k + 2]!);
    });
    return Float64Array.from(out);
  }

  scanAsync(input: ScanInput): Promise<Float64Array> {
    return new Promise((resolve, reject) => {
      setImmediate(() => {
        try {
          resolve(this.scan(input));
        } catch (error) {
          reject(error);
        }
      });
    });
  }

  openStream(): MatchStream {
    this.assertOpen();
    return new FallbackStream(this);
  }

  serialize(): Uint8Array {
    this.assertOpen();
    const options: FallbackCompileOptions = {
      streamHistory: this.history,
      ...(this.cardWindows ? { cardWindows: this.cardWindows } : {}),
      ...(this.evasionHints ? { evasionHints: this.evasionHints } : {}),
    };
    const body = Buffer.from(JSON.stringify({ patterns: this.specs, options }), 'utf8');
    const out = new Uint8Array(MAGIC.length + body.length);
    out.set(MAGIC, 0);
    out.set(body, MAGIC.length);
    return out;
  }

  close(): void {
    this.closed = true;
  }

  /** Unsorted triples of one block. */
  private scanOne(input: ScanInput): number[] {
    const out: number[] = [];
    const latin1 = typeof input === 'string' ? undefined : latin1Of(input);
    if (latin1 === undefined) this.scanString(input as string, out);
    else this.scanBytes(input as Uint8Array, latin1, out);
    if (this.cardWindows) {
      const windows = scanCardWindows(input, this.cardWindows, latin1);
      for (let k = 0; k < windows.length; k++) out.push(windows[k]!);
    }
    if (this.evasionHints) {
      const hints = findEvasionHints(input, this.evasionHints);
      for (let k = 0; k < hints.length; k++) out.push(hints[k]!);
    }
    return out;
  }

  private scanBytes(bytes: Uint8Array, latin1: string, out: number[]): void {
    runBytePatterns(this.compiled, latin1, out);
    if (this.hasUtf8) {
      const decoded = decodeUtf8(bytes);
      runTextPatterns(this.compiled, decoded.text, out, (unit) => decoded.byteAt[unit]!, decoded.invalid);
    }
  }

  private scanString(text: string, out: number[]): void {
    const byteLength = Buffer.byteLength(text, 'utf8');
    if (byteLength === text.length) {
      // ASCII: bytes and UTF-16 units coincide.
      runBytePatterns(this.compiled, text, out);
    } else {
      const bytes = Buffer.from(text, 'utf8');
      const found: number[] = [];
      runBytePatterns(this.compiled, bytes.toString('latin1'), found);
      mapToUtf16(text, bytes.length, found);
      for (const v of found) out.push(v);
    }
    if (this.hasUtf8) runTextPatterns(this.compiled, text, out, (unit) => unit, null);
  }
}

/** Runs the byte-mode patterns over `text` (one character per byte); offsets are text indexes. */
function runBytePatterns(patterns: readonly Compiled[], text: string, out: number[]): void {
  for (const p of patterns) {
    if (p.utf8) continue;
    if (p.fuzzy) {
      let done = false;
      fuzzyEnds(text, 0, 0, text.length, p.fuzzy, (s, e) => {
        if (done || !accepts(p, s, e)) return;
        out.push(p.id, p.leftmost ? s : -1, e);
        if (p.singlematch) done = true;
      });
    } else {
      scanRegex(p, text, out, (unit) => unit, null);
    }
  }
}

/**
 * Runs the utf8 patterns over decoded text; `toOffset` maps a text index to an output offset and
 * `invalid` marks units decoded from invalid UTF-8.
 */
function runTextPatterns(
  patterns: readonly Compiled[],
  text: string,
  out: number[],
  toOffset: (unit: number) => number,
  invalid: Uint8Array | null,
): void {
  for (const p of patterns) {
    if (p.utf8) scanRegex(p, text, out, toOffset, invalid);
  }
}

/**
 * The first unit of `[s, e)` decoded from invalid UTF-8, or -1. Hyperscan does not match invalid
 * UTF-8 in utf8 mode (its behaviour there is undefined), so such matches are dropped.
 */
function firstInvalid(invalid: Uint8Array | null, s: number, e: number): number {
  if (invalid === null) return -1;
  for (let k = s; k < e; k++) if (invalid[k]) return k;
  return -1;
}

/** A global RegExp pass over the whole text, recording accepted matches. */
function scanRegex(
  p: Compiled,
  text: string,
  out: number[],
  toOffset: (unit: number) => number,
  invalid: Uint8Array | null,
): void {
  const re = p.regex;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const s = m.index;
    const e = s + m[0].length;
    const bad = firstInvalid(invalid, s, e);
    if (bad >= 0) {
      re.lastIndex = bad + 1;
      continue;
    }
    const start = toOffset(s);
    const end = toOffset(e);
    if (!accepts(p, start, end)) continue;
    out.push(p.id, p.leftmost ? start : -1, end);
    if (p.singlematch) break;
  }
}

// ---- streams ----

interface PatternProgress {
  /** Absolute byte offset from which the next scan of this pattern starts. */
  resume: number;
  /** singlematch: already reported. */
  done: boolean;
}

/**
 * A fallback stream. It keeps the tail of the data (at most `streamHistory` bytes plus the card
 * window reach) and, on each write, rescans that tail from each pattern's resume point, reporting
 * the matches that have become certain. Offsets are absolute byte offsets over the stream.
 */
class FallbackStream implements MatchStream {
  private tail: Uint8Array = new Uint8Array(0);
  /** Absolute offset of tail[0]. */
  private base = 0;
  private closed = false;
  private readonly progress: PatternProgress[];
  /** Card windows ending before this absolute offset were already reported. */
  private cardFrontier = 0;
  /** Absolute offset where the card pass's rescans begin. */
  private cardCut = 0;
  /** The last bytes written (at most HINT_CARRY), which the evasion-hint pass rereads. */
  private hintCarry: Uint8Array = new Uint8Array(0);

  constructor(private readonly db: FallbackDatabase) {
    this.progress = db.patterns.map(() => ({ resume: 0, done: false }));
  }

  write(chunk: Uint8Array): Float64Array {
    if (this.closed) throw new EngineError('ERR_STREAM_CLOSED', 'the stream is closed');
    this.db.assertOpen();
    if (!(chunk instanceof Uint8Array)) {
      throw invalid('a Uint8Array', 'chunk', chunk);
    }
    const merged = new Uint8Array(this.tail.length + chunk.length);
    merged.set(this.tail, 0);
    merged.set(chunk, this.tail.length);
    this.tail = merged;
    const out = this.collect(false);
    const hints = this.db.hints;
    if (hints) this.hintStep(hints, chunk, out);
    this.trim();
    return sortTriples(out);
  }

  close(): Float64Array {
    if (this.closed) throw new EngineError('ERR_STREAM_CLOSED', 'the stream is closed');
    this.closed = true;
    this.db.assertOpen();
    const out = this.collect(true);
    this.tail = new Uint8Array(0);
    return sortTriples(out);
  }

  /** Reports what became certain; at `end` everything is. */
  private collect(end: boolean): number[] {
    const out: number[] = [];
    const total = this.base + this.tail.length;
    const latin1 = latin1Of(this.tail);
    const patterns = this.db.patterns;
    let decoded: Decoded | null = null;
    patterns.forEach((p, k) => {
      const progress = this.progress[k]!;
      if (progress.done) return;
      if (p.fuzzy) {
        this.fuzzyStep(p, progress, latin1, total, out);
        return;
      }
      if (p.utf8) {
        decoded ??= decodeUtf8(this.tail);
        const { byteAt, invalid } = decoded;
        this.regexStep(p, progress, decoded.text, (unit) => this.base + byteAt[unit]!, invalid, total, end, out);
        return;
      }
      this.regexStep(p, progress, latin1, (unit) => this.base + unit, null, total, end, out);
    });
    const cards = this.db.cards;
    if (cards) this.cardStep(cards, total, end, out);
    return out;
  }

  private regexStep(
    p: Compiled,
    progress: PatternProgress,
    text: string,
    toAbsolute: (unit: number) => number,
    invalid: Uint8Array | null,
    total: number,
    end: boolean,
    out: number[],
  ): void {
    const re = p.regex;
    re.lastIndex = this.unitOf(text, toAbsolute, progress.resume);
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const s = toAbsolute(m.index);
      const e = toAbsolute(m.index + m[0].length);
      const bad = firstInvalid(invalid, m.index, m.index + m[0].length);
      if (bad >= 0) {
        // Bytes cut at the end of the data may still complete a character: wait for them.
        if (!end && toAbsolute(bad) + 4 > total) {
          progress.resume = s;
          return;
        }
        re.lastIndex = bad + 1;
        progress.resume = toAbsolute(bad + 1);
        continue;
      }
      if (!end && !(s + p.reach <= total)) {
        progress.resume = s; // not certain yet: retry from here next time
        return;
      }
      progress.resume = e;
      if (!accepts(p, s, e)) continue;
      out.push(p.id, p.leftmost ? s : -1, e);
      if (p.singlematch) {
        progress.done = true;
        return;
      }
    }
    // No match starts before here whatever comes next.
    if (p.reach !== Infinity) progress.resume = Math.max(progress.resume, total - p.reach + 1);
  }

  /** The text index of absolute offset `at` (the first index at or after it). */
  private unitOf(text: string, toAbsolute: (unit: number) => number, at: number): number {
    let lo = 0;
    let hi = text.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (toAbsolute(mid) < at) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private fuzzyStep(p: Compiled, progress: PatternProgress, latin1: string, total: number, out: number[]): void {
    // Ends after `resume` are new; their starts lie at most the term's width before.
    const from = progress.resume - this.base;
    const origin = Math.max(0, from - p.reach);
    fuzzyEnds(latin1, origin, from, latin1.length, p.fuzzy!, (s, e) => {
      if (progress.done) return;
      const start = this.base + s;
      const stop = this.base + e;
      if (!accepts(p, start, stop)) return;
      out.push(p.id, p.leftmost ? start : -1, stop);
      if (p.singlematch) progress.done = true;
    });
    progress.resume = total;
  }

  /**
   * Card windows end at the end of a digit group, which is certain once the next byte is seen (or
   * at close). The pass rereads from `cardCut`, CARD_REACH bytes before the previous end.
   */
  private cardStep(cards: CardWindowConfig, total: number, end: boolean, out: number[]): void {
    const from = this.cardCut - this.base;
    const windows = scanCardWindows(this.tail.subarray(from), cards);
    for (let k = 0; k < windows.length; k += 3) {
      const s = this.cardCut + windows[k + 1]!;
      const e = this.cardCut + windows[k + 2]!;
      if (e < this.cardFrontier || (!end && e >= total)) continue;
      out.push(windows[k]!, s, e);
    }
    this.cardFrontier = total;
    // No window ending at or after `total` can start before total - CARD_REACH. A digit group cut
    // there that still matters runs on to `total`, so the pass still sees it as too long for a PAN.
    this.cardCut = Math.max(this.cardCut, total - CARD_REACH);
  }

  /**
   * Evasion hints are certain once their last byte is seen: a hint ending in `chunk` starts at most
   * 3 bytes before it and looks back one byte more, so the pass rereads only the last HINT_CARRY
   * bytes before `chunk` and reports the hints that end inside `chunk`. (A sequence still cut at
   * close is invalid bytes: close has nothing to add.)
   */
  private hintStep(hints: EvasionHintConfig, chunk: Uint8Array, out: number[]): void {
    const carry = this.hintCarry;
    const data = new Uint8Array(carry.length + chunk.length);
    data.set(carry, 0);
    data.set(chunk, carry.length);
    const origin = this.base + this.tail.length - data.length; // absolute offset of data[0]
    const found = findEvasionHints(data, hints);
    for (let k = 0; k < found.length; k += 3) {
      if (found[k + 2]! > carry.length) out.push(found[k]!, origin + found[k + 1]!, origin + found[k + 2]!);
    }
    this.hintCarry = data.slice(Math.max(0, data.length - HINT_CARRY));
  }

  /** Drops tail bytes no later scan needs. */
  private trim(): void {
    const total = this.base + this.tail.length;
    const floor = total - this.db.streamHistory;
    let keep = this.db.cards ? this.cardCut : total;
    this.progress.forEach((progress, k) => {
      if (progress.done) return;
      progress.resume = Math.max(progress.resume, floor);
      const p = this.db.patterns[k]!;
      keep = Math.min(keep, progress.resume - (p.fuzzy ? p.reach : CONTEXT));
    });
    keep = Math.max(this.base, Math.min(keep, total));
    if (keep > this.base) {
      this.tail = this.tail.slice(keep - this.base);
      this.base = keep;
    }
  }
}

// ---- inputs and offsets ----

function checkInput(input: unknown, name: string): ScanInput {
  if (typeof input === 'string') return input;
  if (input instanceof Uint8Array) {
    if (input.length > MAX_BLOCK) {
      throw new EngineError('ERR_INPUT_TOO_LARGE', `${name} is ${input.length} bytes; a block scan takes at most ${MAX_BLOCK}`);
    }
    return input;
  }
  throw invalid('a string or Uint8Array', name, input);
}

function latin1Of(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
}

/**
 * Decodes UTF-8 for utf8 patterns, keeping the byte offset of every UTF-16 unit (and of the end).
 * Invalid bytes decode to U+FFFD, one per byte, and are marked so that no match includes them.
 */
interface Decoded {
  readonly text: string;
  /** Byte offset of every UTF-16 unit, and of the end. */
  readonly byteAt: Uint32Array;
  /** 1 for units decoded from invalid bytes; null when there are none. */
  readonly invalid: Uint8Array | null;
}

function decodeUtf8(bytes: Uint8Array): Decoded {
  const units: number[] = [];
  const byteAt: number[] = [];
  const bad: number[] = [];
  let i = 0;
  while (i < bytes.length) {
    const c = bytes[i]!;
    let cp = 0xfffd;
    let n = 1;
    if (c < 0x80) {
      cp = c;
    } else {
      const need = c >= 0xf0 && c <= 0xf4 ? 3 : c >= 0xe0 ? (c <= 0xef ? 2 : 0) : c >= 0xc2 ? 1 : 0;
      if (need > 0 && i + need < bytes.length) {
        let v = c & (0x3f >> need);
        let ok = true;
        for (let k = 1; k <= need; k++) {
          const b = bytes[i + k];
          if (b === undefined || (b & 0xc0) !== 0x80) {
            ok = false;
            break;
          }
          v = (v << 6) | (b & 0x3f);
        }
        const min = need === 1 ? 0x80 : need === 2 ? 0x800 : 0x10000;
        if (ok && v >= min && v <= 0x10ffff && !(v >= 0xd800 && v <= 0xdfff)) {
          cp = v;
          n = need + 1;
        }
      }
    }
    if (n === 1 && c >= 0x80) bad.push(units.length);
    if (cp > 0xffff) {
      units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
      byteAt.push(i, i);
    } else {
      units.push(cp);
      byteAt.push(i);
    }
    i += n;
  }
  byteAt.push(bytes.length);
  let text = '';
  for (let k = 0; k < units.length; k += 8192) text += String.fromCharCode(...units.slice(k, k + 8192));
  let invalid: Uint8Array | null = null;
  if (bad.length > 0) {
    invalid = new Uint8Array(units.length);
    for (const k of bad) invalid[k] = 1;
  }
  return { text, byteAt: Uint32Array.from(byteAt), invalid };
}

/**
 * Rewrites byte offsets in `triples` (of the UTF-8 form of `text`) to UTF-16 units: a start inside
 * a character rounds down, an end inside one rounds up (the native engine's rule).
 */
function mapToUtf16(text: string, byteLength: number, triples: number[]): void {
  const startUnit = new Uint32Array(byteLength + 1);
  const endUnit = new Uint32Array(byteLength + 1);
  let b = 0;
  for (let u = 0; u < text.length; ) {
    const cp = text.codePointAt(u)!;
    const units = cp > 0xffff ? 2 : 1;
    const bytes = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp > 0xffff ? 4 : 3;
    for (let k = 0; k < bytes; k++) {
      startUnit[b + k] = u;
      endUnit[b + k] = k === 0 ? u : u + units;
    }
    b += bytes;
    u += units;
  }
  startUnit[byteLength] = endUnit[byteLength] = text.length;
  for (let k = 0; k < triples.length; k += 3) {
    if (triples[k + 1]! >= 0) triples[k + 1] = startUnit[triples[k + 1]!]!;
    triples[k + 2] = endUnit[triples[k + 2]!]!;
  }
}
