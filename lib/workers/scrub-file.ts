/**
 * Library entry points for scrubbing files and byte streams on every core:
 * `scrubFileParallel` (file to file, atomic, gzip-aware) and `scrubStreamParallel` (any Readable
 * to any Writable, e.g. stdin to stdout).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, rename, stat, unlink } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { finished, pipeline } from 'node:stream/promises';
import type { Readable, Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { Scrubber } from '../scrub.js';
import type { SegmenterOptions } from '../stream/segmenter.js';
import type { ScrubSummary } from '../stream/summary.js';
import type { BufferScrubber, ScrubFormat } from '../stream/types.js';
import { decodeInput } from './gzip.js';
import { scrubInto } from './pipeline.js';
import { ScrubPool, type WorkerDataSource } from './pool.js';

type ScrubberCreateOptions = NonNullable<Parameters<typeof Scrubber.create>[0]>;

export interface ParallelScrubOptions extends SegmenterOptions {
  /** A ready scrubber. Default: `Scrubber.create({ pack, engine })`. */
  readonly scrubber?: BufferScrubber & WorkerDataSource;
  readonly pack?: ScrubberCreateOptions['pack'];
  readonly engine?: ScrubberCreateOptions['engine'];
  /** Worker threads; 1 scrubs on the calling thread. Default `os.availableParallelism()`. */
  readonly threads?: number;
  /** A pool to reuse across calls (then `threads` is ignored and the pool is left open). */
  readonly pool?: ScrubPool;
  readonly format?: ScrubFormat;
  /** Read size. Default 1 MiB. */
  readonly readBytes?: number;
  /** Input bytes consumed so far (decompressed), after each segment is written. */
  readonly onProgress?: (bytesIn: number) => void;
}

export interface ParallelScrubOutcome extends ScrubSummary {
  /** The input was gzip, so the output is too. */
  readonly gzip: boolean;
}

const DEFAULT_READ_BYTES = 1 << 20;

/**
 * Scrubs `inputPath` into `outputPath` (which may be the same path: in-place). The output is
 * written to a temporary file in the target directory and renamed over the target only when
 * complete, with the input's file mode; on failure the target is untouched. Gzip input (by magic
 * bytes) gives gzip output.
 *
 * @example
 * ```ts
 * import { scrubFileParallel } from 'cardveil';
 * const result = await scrubFileParallel('app.log.gz', 'clean/app.log.gz', { threads: 4 });
 * console.log(result.counts); // { pan: 12, track2: 1 }
 * ```
 */
export async function scrubFileParallel(
  inputPath: string,
  outputPath: string,
  options: ParallelScrubOptions = {},
): Promise<ParallelScrubOutcome> {
  const { mode } = await stat(inputPath);
  const temporary = join(dirname(outputPath), `.${basename(outputPath)}.cardveil-${process.pid}-${Date.now().toString(36)}.tmp`);
  const output = createWriteStream(temporary, { flags: 'wx', mode: 0o600 });
  try {
    const input = createReadStream(inputPath, { highWaterMark: options.readBytes ?? DEFAULT_READ_BYTES });
    const result = await scrubStreamParallel(input, output, options);
    output.end();
    await finished(output);
    await chmod(temporary, mode & 0o7777);
    await rename(temporary, outputPath);
    return result;
  } catch (error) {
    output.destroy();
    await unlink(temporary).catch(() => {});
    throw error;
  }
}

/**
 * Scrubs everything `input` yields into `output` (gzip in gives gzip out). `output` is not
 * ended unless the data was gzip (the gzip trailer must be written); it is the caller's.
 */
export async function scrubStreamParallel(
  input: Readable | AsyncIterable<Buffer>,
  output: Writable,
  options: ParallelScrubOptions = {},
): Promise<ParallelScrubOutcome> {
  return withPool(options, async (scrubber, pool) => {
    const { gzip, source } = await decodeInput(input);
    const run = (sink: Writable): Promise<ScrubSummary> =>
      scrubInto(source, sink, {
        ...options,
        scrubber,
        ...(pool ? { pool } : {}),
      });
    if (!gzip) return { ...(await run(output)), gzip };
    const compressor = createGzip();
    const piped = pipeline(compressor, output, { end: false });
    const summary = await run(compressor);
    compressor.end();
    await piped;
    return { ...summary, gzip };
  });
}

async function withPool<T>(
  options: ParallelScrubOptions,
  body: (scrubber: BufferScrubber, pool: ScrubPool | undefined) => Promise<T>,
): Promise<T> {
  const scrubber =
    options.scrubber ??
    Scrubber.create({
      ...(options.pack !== undefined ? { pack: options.pack } : {}),
      ...(options.engine !== undefined ? { engine: options.engine } : {}),
    });
  if (options.pool) return body(scrubber, options.pool);
  const threads = options.threads ?? availableParallelism();
  if (threads === 1) return body(scrubber, undefined);
  const pool = new ScrubPool(scrubber, { threads });
  try {
    return await body(scrubber, pool);
  } finally {
    await pool.close();
  }
}
