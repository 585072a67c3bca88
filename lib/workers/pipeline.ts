/**
 * The CLI's and `scrubFileParallel`'s engine room: read big chunks into recycled memory, cut them
 * into safe segments, scrub the segments (inline or on the worker pool), write results in input
 * order, with bounded memory: the segmenter's holdback, at most `2 x threads` segments in flight
 * and `MAX_PENDING_WRITES` segments being written.
 *
 * Reading, scrubbing and writing overlap: the next read is started before the current segment is
 * scrubbed, and a write is awaited only when more than `MAX_PENDING_WRITES` are outstanding.
 */
import type { Writable } from 'node:stream';
import { scrubberCutCheck } from '../stream/cut-check.js';
import { scrubAfterContext, scrubSegment } from '../stream/scrub-segment.js';
import type { SegmenterOptions } from '../stream/segmenter.js';
import { addResult, emptySummary, type ScrubSummary } from '../stream/summary.js';
import type { BufferScrubber, ScrubFormat, ScrubOutcome } from '../stream/types.js';
import type { ScrubPool } from './pool.js';
import { SegmentBuffer } from './segment-buffer.js';

export interface PipelineOptions extends SegmenterOptions {
  /** Checks cuts (main thread) and scrubs segments when no pool is given. */
  readonly scrubber: BufferScrubber;
  /** Scrub segments on these workers (output order is preserved). */
  readonly pool?: ScrubPool;
  /**
   * With a pool: the calling thread scrubs a segment itself whenever no worker has room for it
   * (workers still starting, or each holding two segments), so N scrubbing threads take N - 1
   * workers (each costs a start-up and its memory) and the calling thread, otherwise mostly
   * waiting on I/O, takes whatever share its I/O leaves it time for. Without it, every segment
   * goes to the pool.
   */
  readonly shareMainThread?: boolean;
  readonly format?: ScrubFormat;
  /** Called after each segment is written, with input bytes consumed so far. */
  readonly onProgress?: (bytesIn: number) => void;
  /**
   * Stream sources only (stdin, a pipe): when input pauses and nothing has gone out for this many
   * milliseconds, the complete lines that are already safe to emit are scrubbed and written, so a
   * live `tail -f app.log | cardveil scrub` shows its lines. Default 100; `Infinity`: never.
   */
  readonly flushIdleMs?: number;
}

/** An open file, read sequentially (a `FileHandle` is one; see also fd-input.ts). */
export interface FileSource {
  readonly fd: number;
  read(buffer: Buffer, offset: number, length: number, position: null): Promise<{ bytesRead: number }>;
}

/** Where the bytes come from: an open file (read straight into recycled memory) or any stream. */
export type ByteSource = FileSource | AsyncIterable<Uint8Array>;

export const DEFAULT_FLUSH_IDLE_MS = 100;
/** Segment writes outstanding before the pipeline waits for the oldest one. */
const MAX_PENDING_WRITES = 2;

interface Scrubbed extends ScrubOutcome<Buffer> {
  /** The segment's memory, to recycle once the output (which may be a view of it) is written. */
  readonly memory?: ArrayBufferLike | undefined;
}

interface InFlight {
  readonly bytesIn: number;
  readonly result: Promise<Scrubbed>;
}

const IDLE = Symbol('idle');

/**
 * Scrubs everything `source` yields into `sink` (not ended here: the caller owns it) and returns
 * the totals once every write has completed. Rejects, having written nothing of the failed
 * segment, on any scrub failure or write error.
 */
export async function scrubInto(source: ByteSource, sink: Writable, options: PipelineOptions): Promise<ScrubSummary> {
  const { scrubber, pool } = options;
  const format = options.format ?? 'text';
  const share = pool !== undefined && options.shareMainThread === true;
  // Each worker holds up to two segments, and results are written in order: room for those, two
  // of this thread's, and one more so a worker's next result is never what the main thread waits on.
  const maxInFlight = pool ? 2 * pool.threads + (share ? 3 : 0) : 0;
  const segments = new SegmentBuffer(scrubberCutCheck(scrubber), { ...options, spares: maxInFlight + MAX_PENDING_WRITES + 2 });
  const summary = emptySummary();
  const inFlight: InFlight[] = [];
  const writes: Promise<void>[] = [];

  // A write error (disk full, closed pipe) surfaces at the next step instead of crashing the
  // process as an unhandled 'error' event.
  let sinkError: Error | null = null;
  const onSinkError = (error: Error): void => {
    sinkError ??= error;
  };
  sink.on('error', onSinkError);
  const check = (): void => {
    if (sinkError) throw sinkError;
  };

  const write = (output: Buffer, memory: ArrayBufferLike | undefined): void => {
    if (output.length === 0) {
      if (memory) segments.recycle(memory);
      return;
    }
    writes.push(
      new Promise((resolve) => {
        sink.write(output, (error) => {
          if (error) onSinkError(error);
          else if (memory) segments.recycle(memory);
          resolve();
        });
      }),
    );
  };
  const writeOldest = async (): Promise<void> => {
    const next = inFlight.shift()!;
    const result = await next.result;
    addResult(summary, next.bytesIn, result);
    check();
    write(result.output, result.memory);
    while (writes.length > MAX_PENDING_WRITES) await writes.shift();
    check();
    options.onProgress?.(summary.bytesIn);
  };
  const submit = async (segment: Buffer): Promise<void> => {
    const carry = segments.lastCarry;
    const bytesIn = segment.length - carry;
    let result: Promise<Scrubbed>;
    if (carry > 0) {
      // After an idle cut (slow input): scrubbed here, with the context it carries.
      result = Promise.resolve({ ...scrubAfterContext(scrubber, segment, carry, format), memory: segment.buffer });
    } else if (pool && (!share || pool.hasRoom())) {
      result = pool.run(segment, format, { transfer: true }); // the memory comes back with the result
      result.catch(() => {}); // observed in writeOldest; avoids an unhandled rejection meanwhile
    } else {
      const memory = segment.buffer;
      result = Promise.resolve({ ...scrubSegment(scrubber, segment, format), memory });
    }
    inFlight.push({ bytesIn, result });
    while (inFlight.length > maxInFlight) await writeOldest();
  };
  const flush = async (): Promise<void> => {
    while (inFlight.length > 0) await writeOldest();
    while (writes.length > 0) await writes.shift();
    check();
  };

  try {
    if (isFile(source)) {
      let reading = readInto(source, segments);
      for (;;) {
        const bytesRead = await reading;
        if (bytesRead === 0) break;
        const segment = segments.take();
        reading = readInto(source, segments); // overlaps with scrubbing and writing this segment
        reading.catch(() => {}); // awaited above on the next turn; not unhandled if we stop first
        if (segment) await submit(segment);
      }
    } else {
      const idleMs = options.flushIdleMs ?? DEFAULT_FLUSH_IDLE_MS;
      const iterator = source[Symbol.asyncIterator]();
      let lastOut = performance.now();
      try {
        for (;;) {
          const next = iterator.next();
          let step = Number.isFinite(idleMs) && segments.heldBytes > 0 ? await raceIdle(next, lastOut + idleMs - performance.now()) : await next;
          if (step === IDLE) {
            const segment = segments.takeIdle();
            if (segment) {
              await submit(segment);
              await flush();
            }
            lastOut = performance.now();
            step = await next; // nothing changes until more input arrives
          }
          if (step.done) break;
          const chunk = step.value;
          for (let at = 0; at < chunk.length; ) {
            at += segments.fill(chunk, at);
            const segment = segments.take();
            if (segment) {
              await submit(segment);
              lastOut = performance.now();
            }
          }
        }
      } catch (error) {
        await iterator.return?.();
        throw error;
      }
    }
    const rest = segments.end();
    if (rest) await submit(rest);
    await flush();
  } catch (error) {
    inFlight.length = 0;
    throw error;
  } finally {
    sink.off('error', onSinkError);
  }
  return summary;
}

function isFile(source: ByteSource): source is FileSource {
  return typeof (source as FileSource).read === 'function' && typeof (source as FileSource).fd === 'number';
}

/** Reads into the segmenter's free space; resolves with the bytes read (0 at the end). */
async function readInto(handle: FileSource, segments: SegmentBuffer): Promise<number> {
  const space = segments.space();
  const { bytesRead } = await handle.read(space, 0, space.length, null);
  segments.commit(bytesRead);
  return bytesRead;
}

/** The next chunk, or IDLE if it has not arrived within `ms`. */
function raceIdle<T>(next: Promise<T>, ms: number): Promise<T | typeof IDLE> {
  let timer: NodeJS.Timeout | undefined;
  const idle = new Promise<typeof IDLE>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, ms), IDLE);
  });
  return Promise.race([next, idle]).finally(() => clearTimeout(timer));
}
