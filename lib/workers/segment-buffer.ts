/**
 * The pipeline's segmenter: the same safe cuts as `Segmenter` (lib/stream/segmenter.ts), in
 * recycled memory.
 *
 * Why: scrubbing clean logs is a scan and nothing else (the output is the input), so at 1 GB/s the
 * cost of fresh memory shows. Allocating a new buffer per read and per segment made the CLI spend
 * more time in page faults, copies and garbage collection than in the scan. Here input is read (or
 * copied) straight into a buffer; a segment is a view of the start of that buffer; only the short
 * rest after the cut moves to the next buffer. The caller hands a segment's memory back with
 * `recycle` once its output is written (or after it came back from a worker), so a long run
 * allocates a handful of buffers in all.
 */
import { StreamError } from '../stream/errors.js';
import { findIdleCut, findSafeCut, segmenterLimits, type CutCheck, type SegmenterOptions } from '../stream/segmenter.js';

export interface SegmentBufferOptions extends SegmenterOptions {
  /** Spare buffers kept for reuse (default 8). */
  readonly spares?: number;
}

export class SegmentBuffer {
  readonly segmentBytes: number;
  readonly contextBytes: number;
  readonly maxHoldbackBytes: number;
  readonly #check: CutCheck;
  readonly #spares: ArrayBuffer[] = [];
  readonly #maxSpares: number;
  #buffer: Buffer;
  #filled = 0;
  /** Leading bytes of the buffer that were already handed out by an idle cut (context only). */
  #carry = 0;
  #lastCarry = 0;
  /** Next search once this many bytes are held (grows after a failed search). */
  #searchAt: number;

  constructor(check: CutCheck, options: SegmentBufferOptions = {}) {
    ({ segmentBytes: this.segmentBytes, contextBytes: this.contextBytes, maxHoldbackBytes: this.maxHoldbackBytes } = segmenterLimits(options));
    this.#check = check;
    this.#maxSpares = options.spares ?? 8;
    this.#searchAt = this.segmentBytes;
    this.#buffer = this.#acquire(0);
  }

  /** Bytes received and not yet handed out as a segment. */
  get heldBytes(): number {
    return this.#filled - this.#carry;
  }

  /**
   * Leading bytes of the last segment handed out that belong to an earlier segment: after an idle
   * cut, the next segment starts with up to `contextBytes` of the input before it, so decisions
   * that look back (a keyword on the previous line) still see it. Scrub the segment whole and
   * emit only the output after these bytes' own output (see `scrubAfterContext`).
   */
  get lastCarry(): number {
    return this.#lastCarry;
  }

  /** Free space after the held bytes, to read into; then call `commit`. Never empty. */
  space(): Buffer {
    if (this.#filled === this.#buffer.length) this.#grow(this.#buffer.length * 2);
    return this.#buffer.subarray(this.#filled);
  }

  /** Records that `bytes` were written into `space()`. */
  commit(bytes: number): void {
    this.#filled += bytes;
  }

  /** Copies as much of `chunk` (from `offset`) as fits; returns the bytes copied. */
  fill(chunk: Uint8Array, offset = 0): number {
    const space = this.space();
    const n = Math.min(space.length, chunk.length - offset);
    space.set(chunk.subarray(offset, offset + n));
    this.#filled += n;
    return n;
  }

  /**
   * A segment that is safe to scrub on its own, or null to wait for more input. The segment is a
   * view of memory this object owns: pass its `buffer` to `recycle` when done with it.
   *
   * @throws StreamError `ERR_HOLDBACK_EXCEEDED` when no safe cut exists within the bound.
   */
  take(): Buffer | null {
    if (this.#filled < this.#searchAt) return null;
    const cut = findSafeCut(this.#buffer.subarray(0, this.#filled), this.contextBytes, this.#check);
    if (cut > 0) return this.#cutAt(cut);
    if (this.#filled > this.maxHoldbackBytes) {
      throw new StreamError(
        'ERR_HOLDBACK_EXCEEDED',
        `No safe cut point within ${this.maxHoldbackBytes} bytes (a line longer than the bound, or findings joined across every newline); raise maxHoldbackBytes`,
      );
    }
    this.#searchAt = this.#filled + this.segmentBytes;
    if (this.#searchAt > this.#buffer.length) this.#grow(Math.max(this.#searchAt, this.#buffer.length * 2));
    return null;
  }

  /**
   * When input has paused: the complete lines that are safe to emit without the input still to
   * come (see `findIdleCut`), or null.
   */
  takeIdle(): Buffer | null {
    if (this.heldBytes === 0) return null;
    const cut = findIdleCut(this.#buffer.subarray(0, this.#filled), this.contextBytes, this.#check);
    if (cut <= this.#carry) return null;
    // Keep the input just before the cut (from a line start) as context for the next segment.
    const from = Math.max(0, cut - this.contextBytes);
    const lineStart = this.#buffer.indexOf(0x0a, from);
    const keep = cut - (from === 0 || lineStart < 0 || lineStart >= cut - 1 ? from : lineStart + 1);
    return this.#cutAt(cut, keep);
  }

  /** Ends input: everything still held, or null. */
  end(): Buffer | null {
    return this.heldBytes > 0 ? this.#cutAt(this.#filled) : null;
  }

  /** Takes back the memory of a segment whose output is written; it is reused for later input. */
  recycle(memory: ArrayBufferLike): void {
    if (memory instanceof ArrayBuffer && memory.byteLength === this.segmentBytes && this.#spares.length < this.#maxSpares) {
      this.#spares.push(memory);
    }
  }

  /** Hands out the bytes before `cut`; the last `keep` of them stay as the next segment's context. */
  #cutAt(cut: number, keep = 0): Buffer {
    const segment = this.#buffer.subarray(0, cut);
    this.#lastCarry = this.#carry;
    const rest = this.#filled - cut + keep;
    const next = this.#acquire(rest);
    this.#buffer.copy(next, 0, cut - keep, this.#filled);
    this.#buffer = next;
    this.#filled = rest;
    this.#carry = keep;
    this.#searchAt = this.segmentBytes;
    return segment;
  }

  /** A buffer with room for `keep` bytes plus a read: a spare when one is big enough. */
  #acquire(keep: number): Buffer {
    if (keep < this.segmentBytes / 2) {
      const spare = this.#spares.pop();
      return spare ? Buffer.from(spare) : Buffer.allocUnsafeSlow(this.segmentBytes);
    }
    return Buffer.allocUnsafeSlow(keep + this.segmentBytes);
  }

  #grow(size: number): void {
    const bigger = Buffer.allocUnsafeSlow(size);
    this.#buffer.copy(bigger, 0, 0, this.#filled);
    this.recycle(this.#buffer.buffer);
    this.#buffer = bigger;
  }
}
