/**
 * Cuts a byte stream into segments that can be scrubbed one by one with the same result as
 * scrubbing the whole stream at once.
 *
 * Why not Hyperscan's streaming mode directly: the detectors weigh context on both sides of a
 * match (keywords before a CVV, a PAN wrapped across a line break, a blocked term that decides a
 * whole line), so a match's fate is not known when the engine reports its end. Instead, the
 * segmenter holds data back until it finds a *safe cut*: a position right after a `\n` where
 * scrubbing the `contextBytes` on either side as one window gives exactly the same bytes as
 * scrubbing the two halves separately (the `CutCheck`). Segments always end after a newline, so
 * line-level decisions (a DLP block replaces a whole line) never straddle a cut.
 *
 * Soundness rests on one property of the scrubber: every decision about a byte depends only on
 * its own line and on input at most `contextBytes / 2` away. The widest reaches in the detectors
 * today: a CSV field's header, a line starting up to 1 KB above it and itself up to 1 KB long
 * (lib/detectors/context.ts `HEADER_REACH`); the evasion decoder's region, up to 600 bytes each side
 * of a trigger (lib/detectors/evasion.ts `REACH`); an ISO 8583 field 52 PIN block, read up to 768
 * bytes after a card and 256 before (lib/detectors/labels.ts). The default 4 KiB window keeps
 * them at or under half. Raise `contextBytes` with any wider detector.
 *
 * Bound: at most `maxHoldbackBytes` are held. If no safe cut exists within it (one line longer
 * than the bound, or a region where every newline joins findings), `push` throws
 * `ERR_HOLDBACK_EXCEEDED`: the stream fails closed instead of passing anything through unchecked
 * or cutting where the output could differ.
 */
import { StreamError } from './errors.js';

/** True when `left` and `right` scrub to the same bytes as `both` (= left followed by right). */
export type CutCheck = (left: Buffer, right: Buffer, both: Buffer) => boolean;

export interface SegmenterOptions {
  /** Look for a cut once this many bytes are held. Default 1 MiB. */
  readonly segmentBytes?: number;
  /** Bytes of context on each side of a candidate cut given to the check. Default 4 KiB. */
  readonly contextBytes?: number;
  /** Hard bound on held bytes; past it `push` throws ERR_HOLDBACK_EXCEEDED. Default 64 MiB. */
  readonly maxHoldbackBytes?: number;
}

export const DEFAULT_SEGMENT_BYTES = 1 << 20;
export const DEFAULT_CONTEXT_BYTES = 4096;
export const DEFAULT_MAX_HOLDBACK_BYTES = 64 << 20;
/** Candidate newlines verified per search before waiting for more data. */
const MAX_CHECKS_PER_SEARCH = 64;
const NEWLINE = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const DASH = 0x2d;
const SEMICOLON = 0x3b;
/**
 * A card-length digit run ending this close before an idle cut holds the cut back: a keyword or
 * CVV arriving next may still confirm it (the gateway's stream guard holds the same 32 units).
 */
const AFTER_RUN_REACH = 32;
/** Bytes a card number with separators can span (19 digits with 3-byte gaps). */
const RUN_SPAN = 80;
/** The shortest card number (Maestro): a digit run this long may be a PAN awaiting its CVV. */
const CARD_DIGITS = 12;

export class Segmenter {
  readonly segmentBytes: number;
  readonly contextBytes: number;
  readonly maxHoldbackBytes: number;
  readonly #check: CutCheck;
  #held: Buffer[] = [];
  #heldBytes = 0;
  /** Next search starts once this many bytes are held (grows after a failed search). */
  #searchAt: number;

  constructor(check: CutCheck, options: SegmenterOptions = {}) {
    ({ segmentBytes: this.segmentBytes, contextBytes: this.contextBytes, maxHoldbackBytes: this.maxHoldbackBytes } = segmenterLimits(options));
    this.#check = check;
    this.#searchAt = this.segmentBytes;
  }

  /** Bytes held back, waiting for a safe cut or the end of input. */
  get heldBytes(): number {
    return this.#heldBytes;
  }

  /** Adds input; returns a segment that is safe to scrub on its own, or null to wait for more. */
  push(chunk: Uint8Array): Buffer | null {
    if (chunk.length === 0) return null;
    this.#held.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
    this.#heldBytes += chunk.length;
    if (this.#heldBytes < this.#searchAt) return null;

    const held = this.#held.length > 1 ? Buffer.concat(this.#held, this.#heldBytes) : this.#held[0]!;
    this.#held = [held];
    const cut = findSafeCut(held, this.contextBytes, this.#check);
    if (cut > 0) {
      // The rest is copied out (it is small: under a line plus the context window), so the
      // segment (and an output that is a view of it) shares no memory with later input.
      const rest = Buffer.from(held.subarray(cut));
      this.#held = rest.length > 0 ? [rest] : [];
      this.#heldBytes = rest.length;
      this.#searchAt = this.segmentBytes;
      return held.subarray(0, cut);
    }
    if (this.#heldBytes > this.maxHoldbackBytes) {
      throw new StreamError(
        'ERR_HOLDBACK_EXCEEDED',
        `No safe cut point within ${this.maxHoldbackBytes} bytes (a line longer than the bound, or findings joined across every newline); raise maxHoldbackBytes`,
      );
    }
    this.#searchAt = this.#heldBytes + this.segmentBytes;
    return null;
  }

  /** Ends input; returns everything still held (scrubbed whole, so always exact). */
  end(): Buffer | null {
    const rest = this.#held.length === 1 ? this.#held[0]! : Buffer.concat(this.#held, this.#heldBytes);
    this.#held = [];
    this.#heldBytes = 0;
    return rest.length > 0 ? rest : null;
  }
}

/**
 * The last verified cut in `held` (an offset just past a newline, with a full context window after
 * it), or -1. Checks at most 64 candidate newlines, from the end backwards.
 */
export function findSafeCut(held: Buffer, contextBytes: number, check: CutCheck): number {
  const k = contextBytes;
  let from = held.length - k - 1;
  for (let checks = 0; checks < MAX_CHECKS_PER_SEARCH && from >= 0; checks++) {
    const newline = held.lastIndexOf(NEWLINE, from);
    if (newline < 0) return -1;
    const cut = newline + 1;
    const lo = Math.max(0, cut - k);
    const hi = cut + k;
    if (check(held.subarray(lo, cut), held.subarray(cut, hi), held.subarray(lo, hi))) return cut;
    from = newline - 1;
  }
  return -1;
}

/**
 * A cut for when input has stopped arriving for a while (a live tail): the last newline before
 * which everything can be emitted without the input still to come, or -1.
 *
 * The usual check runs with whatever follows the cut so far as its right side. In addition, the
 * bytes just before the cut must hold nothing a later line could still change: no digit right
 * before the line break (a card number wrapped across lines) and no card-length digit run ending
 * in the last 32 bytes (a PAN whose CVV, expiry or keyword may come next).
 * Such lines wait for the next line instead, so a card number split across chunks or lines is
 * still caught; everything before them goes out.
 */
export function findIdleCut(held: Buffer, contextBytes: number, check: CutCheck): number {
  const k = contextBytes;
  let from = held.length - 1;
  for (let checks = 0; checks < MAX_CHECKS_PER_SEARCH && from >= 0; checks++) {
    const newline = held.lastIndexOf(NEWLINE, from);
    if (newline < 0) return -1;
    const cut = newline + 1;
    if (!unsettled(held, cut)) {
      const lo = Math.max(0, cut - k);
      const hi = Math.min(held.length, cut + k);
      if (check(held.subarray(lo, cut), held.subarray(cut, hi), held.subarray(lo, hi))) return cut;
    }
    from = newline - 1;
  }
  return -1;
}

/** True when the line ending at `cut` could still be scrubbed differently once more input follows. */
function unsettled(held: Buffer, cut: number): boolean {
  let end = cut - 2; // the byte before the newline
  while (end >= 0 && (held[end] === CR || held[end] === SPACE || held[end] === TAB)) end--;
  // A digit, or what an encoded one ends with (`&#52;`, a full-width or other-script digit, an
  // invisible separator: any non-ASCII byte), may continue as a card number on the next line.
  if (end >= 0 && (isDigit(held[end]!) || held[end] === SEMICOLON || held[end]! >= 0x80)) return true;
  let digits = 0;
  for (let i = Math.max(0, cut - AFTER_RUN_REACH - RUN_SPAN); i < cut; i++) {
    const c = held[i]!;
    if (isDigit(c)) {
      if (++digits >= CARD_DIGITS && i >= cut - 1 - AFTER_RUN_REACH) return true;
    } else if (!((c === SPACE || c === DASH) && i > 0 && isDigit(held[i - 1]!))) {
      digits = 0; // one space or dash between digits keeps a run going (4111 1111 ...)
    }
  }
  return false;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** The options with their defaults, validated (typed `ERR_INVALID_ARGUMENT` errors). */
export function segmenterLimits(options: SegmenterOptions): Required<SegmenterOptions> {
  const segmentBytes = positiveInteger('segmentBytes', options.segmentBytes ?? DEFAULT_SEGMENT_BYTES);
  const contextBytes = positiveInteger('contextBytes', options.contextBytes ?? DEFAULT_CONTEXT_BYTES);
  const maxHoldbackBytes = positiveInteger('maxHoldbackBytes', options.maxHoldbackBytes ?? DEFAULT_MAX_HOLDBACK_BYTES);
  if (maxHoldbackBytes < segmentBytes + contextBytes) {
    throw new StreamError(
      'ERR_INVALID_ARGUMENT',
      `Expected maxHoldbackBytes >= segmentBytes + contextBytes (${segmentBytes + contextBytes}) but received ${maxHoldbackBytes}`,
    );
  }
  return { segmentBytes, contextBytes, maxHoldbackBytes };
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new StreamError('ERR_INVALID_ARGUMENT', `Expected positive integer for ${name} but received ${String(value)}`);
  }
  return value;
}
