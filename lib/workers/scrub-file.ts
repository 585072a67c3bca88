/**
 * Library entry points for scrubbing files and byte streams on every core:
 * `scrubFileParallel` (file to file, atomic, gzip-aware) and `scrubStreamParallel` (any Readable
 * to any Writable, e.g. stdin to stdout).
 */
import { createWriteStream } from 'node:fs';
import { chmod, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { finished, pipeline } from 'node:stream/promises';
import type { Readable, Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { Scrubber } from '../scrub.js';
import type { SegmenterOptions } from '../stream/segmenter.js';
import type { ScrubSummary } from '../stream/summary.js';
import type { BufferScrubber, ScrubFormat } from '../stream/types.js';
import { decodeFileDescriptor } from './fd-input.js';
import { decodeInput } from './gzip.js';
import { scrubInto, type ByteSource } from './pipeline.js';
import { ScrubPool, type WorkerDataSource } from './pool.js';

type ScrubberCreateOptions = NonNullable<Parameters<typeof Scrubber.create>[0]>;

export interface ParallelScrubOptions extends SegmenterOptions {
  /** A ready scrubber. Default: `Scrubber.create({ pack, engine })`. */
  readonly scrubber?: BufferScrubber & WorkerDataSource;
  readonly pack?: ScrubberCreateOptions['pack'];
  readonly engine?: ScrubberCreateOptions['engine'];
  /**
   * Scrubbing threads, the calling thread included (it takes its share of segments, next to
   * `threads - 1` workers); 1 scrubs on the calling thread only. Default `os.availableParallelism()`.
   */
  readonly threads?: number;
  /** A pool to reuse across calls (then `threads` is ignored and the pool is left open). */
  readonly pool?: ScrubPool;
  /** With `pool`: the calling thread scrubs one segment in every `pool.threads + 1` too. */
  readonly shareMainThread?: boolean;
  readonly format?: ScrubFormat;
  /** Read size of gzip input (plain files are read a segment at a time). Default 1 MiB. */
  readonly readBytes?: number;
  /** Input bytes consumed so far (decompressed), after each segment is written. */
  readonly onProgress?: (bytesIn: number) => void;
  /**
   * Streams only: when input pauses for this many ms, write the lines that are already safe to
   * emit (a live tail). Default 100; `Infinity`: wait for a full segment or the end.
   */
  readonly flushIdleMs?: number;
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
  const input = await open(inputPath, 'r');
  try {
    const { mode } = await input.stat();
    const temporary = join(dirname(outputPath), `.${basename(outputPath)}.cardveil-${process.pid}-${Date.now().toString(36)}.tmp`);
    const output = createWriteStream(temporary, { flags: 'wx', mode: 0o600 });
    try {
      // Plain files are read straight into the pipeline's memory; gzip goes through zlib.
      const decoded = (await isGzip(input))
        ? await decodeInput(input.createReadStream({ highWaterMark: options.readBytes ?? DEFAULT_READ_BYTES, autoClose: false }))
        : { gzip: false, source: input };
      const result = await scrubSource(decoded.source, decoded.gzip, output, options);
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
  } finally {
    await input.close();
  }
}

/**
 * Scrubs everything `input` yields into `output` (gzip in gives gzip out). `output` is not
 * ended unless the data was gzip (the gzip trailer must be written); it is the caller's.
 * `input` may also be a file descriptor of a regular file (e.g. `0` when stdin is redirected from
 * a file): it is then read with large reads from its current offset, much faster than a stream.
 */
export async function scrubStreamParallel(
  input: Readable | AsyncIterable<Buffer> | number,
  output: Writable,
  options: ParallelScrubOptions = {},
): Promise<ParallelScrubOutcome> {
  const { gzip, source } = typeof input === 'number' ? await decodeFileDescriptor(input) : await decodeInput(input);
  return scrubSource(source, gzip, output, options);
}

function scrubSource(source: ByteSource, gzip: boolean, output: Writable, options: ParallelScrubOptions): Promise<ParallelScrubOutcome> {
  return withPool(options, async (scrubber, pool, ownPool) => {
    const run = (sink: Writable): Promise<ScrubSummary> =>
      scrubInto(source, sink, {
        ...options,
        scrubber,
        ...(pool ? { pool } : {}),
        ...(ownPool ? { shareMainThread: true } : {}),
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

/** True when the file starts with the gzip magic bytes (read in place: the file position stays 0). */
async function isGzip(file: FileHandle): Promise<boolean> {
  const head = Buffer.alloc(2);
  const { bytesRead } = await file.read(head, 0, 2, 0);
  return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
}

async function withPool<T>(
  options: ParallelScrubOptions,
  body: (scrubber: BufferScrubber, pool: ScrubPool | undefined, ownPool: boolean) => Promise<T>,
): Promise<T> {
  const create = (): BufferScrubber & WorkerDataSource =>
    options.scrubber ??
    Scrubber.create({
      ...(options.pack !== undefined ? { pack: options.pack } : {}),
      ...(options.engine !== undefined ? { engine: options.engine } : {}),
    });
  if (options.pool) return body(create(), options.pool, false);
  const threads = options.threads ?? availableParallelism();
  if (threads === 1) return body(create(), undefined, false);
  // The workers start (threads, module loading) while this thread compiles the pack.
  const pool = new ScrubPool(null, { threads: threads - 1 }); // this thread is the N-th
  try {
    const scrubber = create();
    pool.load(scrubber);
    return await body(scrubber, pool, true);
  } finally {
    await pool.close();
  }
}
