/**
 * The engine contract: one multi-pattern database, two implementations.
 *
 * - `hyperscan`: the C++ addon in `native/` over the system libhs (SIMD, block and streaming mode).
 * - `javascript`: the pure-TypeScript fallback over V8 RegExp, used when the addon cannot load or
 *   on request.
 *
 * Both report matches the same way: a flat `Float64Array` of triples `[id, start, end, ...]`,
 * offsets in the input's own units (bytes for `Uint8Array`/`Buffer` input, UTF-16 code units for
 * strings). Matches are sorted by `end`, then `id`, then `start`.
 *
 * A pattern compiled without `leftmostStart` reports `start = -1` (Hyperscan only knows the end
 * offset unless asked; asking costs throughput, so it is opt-in per pattern).
 *
 * Hyperscan reports every end offset at which a pattern matches; the fallback reports the matches
 * of a global RegExp scan. The two agree on patterns whose matches cannot nest or overlap
 * (literal-anchored, bounded, word-delimited), which is how the built-in patterns are written; the
 * differential test in `test/engine` holds them to it.
 */

export type EngineKind = 'hyperscan' | 'javascript';

/** Per-pattern flags (Hyperscan's HS_FLAG_*). */
export interface PatternFlags {
  /** HS_FLAG_CASELESS / RegExp `i`. */
  readonly caseless?: boolean;
  /** HS_FLAG_DOTALL / RegExp `s`. */
  readonly dotall?: boolean;
  /** HS_FLAG_MULTILINE / RegExp `m`. */
  readonly multiline?: boolean;
  /** HS_FLAG_SINGLEMATCH: report only the first match of this pattern per scan. */
  readonly singlematch?: boolean;
  /** HS_FLAG_SOM_LEFTMOST: report the leftmost start offset (otherwise start is -1). */
  readonly leftmostStart?: boolean;
  /** HS_FLAG_UTF8 | HS_FLAG_UCP: the expression is UTF-8 with Unicode classes. */
  readonly utf8?: boolean;
}

/** Hyperscan extended parameters (hs_expr_ext_t). */
export interface PatternExtensions {
  readonly editDistance?: number;
  readonly hammingDistance?: number;
  readonly minOffset?: number;
  readonly maxOffset?: number;
  readonly minLength?: number;
}

export interface PatternSpec {
  /** Reported in every match; unsigned 32-bit. Several patterns may share an id. */
  readonly id: number;
  /** Hyperscan (PCRE-subset) syntax. */
  readonly expression: string;
  readonly flags?: PatternFlags;
  readonly extensions?: PatternExtensions;
}

/**
 * A card-number candidate pass that runs beside the pattern database in the same scan call.
 * It finds "digit windows": see `lib/engine/card-windows.ts` for the exact definition, which both
 * engines implement (C++ in `native/card_windows.cc`, TypeScript as the reference).
 */
export interface CardWindowConfig {
  /** Pattern id under which windows are reported. */
  readonly id: number;
  /** Issuer ranges: a window is reported only if its leading digits fall in one of them. */
  readonly ranges: readonly IssuerRange[];
}

/**
 * An issuer identification number range: `from` and `to` are digit strings of equal length
 * (inclusive), `lengths` the PAN lengths issued in it.
 */
export interface IssuerRange {
  readonly from: string;
  readonly to: string;
  readonly lengths: readonly number[];
}

/**
 * The evasion-hint pass that runs beside the pattern database in the same scan call: it reports
 * non-ASCII digits and invisible characters that follow an ASCII digit (how card numbers are hidden
 * from ASCII-only detectors). See `lib/engine/evasion-hints.ts` for the exact definition, which both
 * engines implement (C++ in `native/evasion_hints.cc`, TypeScript as the reference).
 */
export interface EvasionHintConfig {
  /** Reported as the match id of every hint; unsigned 32-bit. */
  readonly id: number;
  /** Inclusive code point ranges `[first, last]` reported wherever they occur. */
  readonly digits: readonly (readonly [number, number])[];
  /** Inclusive code point ranges `[first, last]` reported when directly after an ASCII digit. */
  readonly invisibles: readonly (readonly [number, number])[];
}

export interface CompileOptions {
  /** Run the card-window pass beside the database. */
  readonly cardWindows?: CardWindowConfig;
  /** Run the evasion-hint pass beside the database. */
  readonly evasionHints?: EvasionHintConfig;
}

export type ScanInput = string | Uint8Array;

/** A compiled database. Immutable; safe to share between concurrent scans. */
export interface Database {
  readonly engine: EngineKind;
  readonly patternCount: number;
  /** Block scan. Returns `[id, start, end]` triples. */
  scan(input: ScanInput): Float64Array;
  /**
   * Batch scan: many records (for example log lines) in one call.
   * Returns `[record, id, start, end]` quads, offsets relative to each record.
   */
  scanBatch(records: readonly ScanInput[]): Float64Array;
  /** Block scan off the main thread; the input is kept alive until the promise settles. */
  scanAsync(input: ScanInput): Promise<Float64Array>;
  /** Streaming mode: offsets are absolute over the stream (bytes). */
  openStream(): MatchStream;
  /** Bytes that `deserialize` turns back into an equal database (same engine kind). */
  serialize(): Uint8Array;
  /** Frees native memory now instead of at garbage collection. Idempotent. */
  close(): void;
}

export interface MatchStream {
  /** Scans the next chunk; returns the `[id, start, end]` triples that ended within it. */
  write(chunk: Uint8Array): Float64Array;
  /** Ends the stream; returns matches that only the end of data could confirm (`\b`, `$`). */
  close(): Float64Array;
}

/** Errors carry a stable string code; messages never contain scanned data. */
export type EngineErrorCode =
  | 'ERR_PATTERN_COMPILE'
  | 'ERR_INVALID_ARGUMENT'
  | 'ERR_INPUT_TOO_LARGE'
  | 'ERR_DATABASE_CLOSED'
  | 'ERR_STREAM_CLOSED'
  | 'ERR_DESERIALIZE'
  | 'ERR_SCAN'
  | 'ERR_PLATFORM'
  | 'ERR_NATIVE_UNAVAILABLE';
