/**
 * `createScrubStream`: a Node Transform that scrubs bytes flowing through it, with output equal to
 * scrubbing the whole input at once however the input is chunked (see segmenter.ts for how and for
 * the holdback bound).
 */
import { Transform, type TransformCallback } from 'node:stream';
import { Scrubber } from '../scrub.js';
import { scrubberCutCheck } from './cut-check.js';
import { scrubSegment } from './scrub-segment.js';
import { Segmenter, type SegmenterOptions } from './segmenter.js';
import { addResult, emptySummary, type ScrubSummary } from './summary.js';
import type { BufferScrubber, ScrubFormat } from './types.js';

type ScrubberCreateOptions = NonNullable<Parameters<typeof Scrubber.create>[0]>;

export interface ScrubStreamOptions extends SegmenterOptions {
  /** A ready scrubber (shared, compiled once). Default: `Scrubber.create({ pack, engine })`. */
  readonly scrubber?: BufferScrubber;
  /** Policy pack (object or YAML path) when no scrubber is given. Default: the built-in pack. */
  readonly pack?: ScrubberCreateOptions['pack'];
  readonly engine?: ScrubberCreateOptions['engine'];
  /** `text` (default) or `jsonl`: JSON lines stay valid JSON. */
  readonly format?: ScrubFormat;
}

/**
 * The Transform returned by `createScrubStream`. `summary` holds the running per-type counts; the
 * `'summary'` event fires with the final totals just before `'end'`.
 */
export class ScrubStream extends Transform {
  readonly #scrubber: BufferScrubber;
  readonly #segmenter: Segmenter;
  readonly #format: ScrubFormat;
  readonly #summary: ScrubSummary = emptySummary();

  constructor(options: ScrubStreamOptions = {}) {
    super();
    this.#scrubber =
      options.scrubber ??
      Scrubber.create({
        ...(options.pack !== undefined ? { pack: options.pack } : {}),
        ...(options.engine !== undefined ? { engine: options.engine } : {}),
      });
    this.#format = options.format ?? 'text';
    this.#segmenter = new Segmenter(scrubberCutCheck(this.#scrubber), options);
  }

  /** Totals so far (input bytes consumed by finished segments, findings per type). */
  get summary(): Readonly<ScrubSummary> {
    return this.#summary;
  }

  /** Bytes received but not yet scrubbed (never more than maxHoldbackBytes). */
  get heldBytes(): number {
    return this.#segmenter.heldBytes;
  }

  override _transform(chunk: Buffer | string, encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk;
      const segment = this.#segmenter.push(bytes);
      if (segment) this.#emit(segment);
      callback();
    } catch (error) {
      callback(error as Error); // fail closed: nothing of the failed segment is written
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      const rest = this.#segmenter.end();
      if (rest) this.#emit(rest);
      this.emit('summary', this.#summary);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  #emit(segment: Buffer): void {
    const result = scrubSegment(this.#scrubber, segment, this.#format);
    addResult(this.#summary, segment.length, result);
    if (result.output.length > 0) this.push(result.output);
  }
}

/**
 * A Transform stream that scrubs card data out of the bytes piped through it.
 *
 * Output equals `scrubber.scrubBuffer(wholeInput).output` for every chunking of the input. Data is
 * held back until a safe cut point (at most `maxHoldbackBytes`, default 64 MiB; past it the stream
 * errors with `ERR_HOLDBACK_EXCEEDED` rather than pass anything unchecked). Backpressure follows
 * the usual Transform rules.
 *
 * @example
 * ```ts
 * import { createReadStream, createWriteStream } from 'node:fs';
 * import { pipeline } from 'node:stream/promises';
 * import { createScrubStream } from 'cardveil';
 *
 * const scrub = createScrubStream({ format: 'text' });
 * await pipeline(createReadStream('app.log'), scrub, createWriteStream('app.clean.log'));
 * console.error(scrub.summary.counts); // e.g. { pan: 3, cvv: 1 }
 * ```
 */
export function createScrubStream(options: ScrubStreamOptions = {}): ScrubStream {
  return new ScrubStream(options);
}
