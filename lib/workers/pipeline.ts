/**
 * The CLI's and `scrubFileParallel`'s engine room: read big chunks, cut them into safe segments,
 * scrub the segments (inline or on the worker pool), write results in input order, with bounded
 * memory: at most the segmenter's holdback plus `2 x threads` segments in flight.
 */
import type { Writable } from 'node:stream';
import { scrubberCutCheck } from '../stream/cut-check.js';
import { scrubSegment } from '../stream/scrub-segment.js';
import { Segmenter, type SegmenterOptions } from '../stream/segmenter.js';
import { addResult, emptySummary, type ScrubSummary } from '../stream/summary.js';
import type { BufferScrubber, ScrubFormat, ScrubOutcome } from '../stream/types.js';
import type { ScrubPool } from './pool.js';

export interface PipelineOptions extends SegmenterOptions {
  /** Checks cuts (main thread) and scrubs segments when no pool is given. */
  readonly scrubber: BufferScrubber;
  /** Scrub segments on these workers (output order is preserved). */
  readonly pool?: ScrubPool;
  readonly format?: ScrubFormat;
  /** Called after each segment is written, with input bytes consumed so far. */
  readonly onProgress?: (bytesIn: number) => void;
}

interface InFlight {
  readonly bytesIn: number;
  readonly result: Promise<ScrubOutcome<Buffer>>;
}

/**
 * Scrubs everything `source` yields into `sink` (not ended here: the caller owns it) and returns
 * the totals. Rejects, having written nothing of the failed segment, on any scrub failure.
 */
export async function scrubInto(
  source: AsyncIterable<Uint8Array>,
  sink: Writable,
  options: PipelineOptions,
): Promise<ScrubSummary> {
  const { scrubber, pool } = options;
  const format = options.format ?? 'text';
  const segmenter = new Segmenter(scrubberCutCheck(scrubber), options);
  const summary = emptySummary();
  const inFlight: InFlight[] = [];
  const maxInFlight = pool ? 2 * pool.threads : 0;

  // A write error (disk full, closed pipe) surfaces at the next write instead of crashing the
  // process as an unhandled 'error' event.
  let sinkError: Error | null = null;
  const onSinkError = (error: Error): void => {
    sinkError ??= error;
  };
  sink.on('error', onSinkError);

  const writeOldest = async (): Promise<void> => {
    const next = inFlight.shift()!;
    const result = await next.result;
    addResult(summary, next.bytesIn, result);
    if (sinkError) throw sinkError;
    if (result.output.length > 0 && !sink.write(result.output)) await drained(sink);
    options.onProgress?.(summary.bytesIn);
  };
  const submit = async (segment: Buffer, owned: boolean): Promise<void> => {
    const bytesIn = segment.length; // read before a transfer detaches the segment
    const result = pool
      ? pool.run(segment, format, { transfer: owned })
      : Promise.resolve(scrubSegment(scrubber, segment, format));
    result.catch(() => {}); // observed in writeOldest; avoids an unhandled rejection meanwhile
    inFlight.push({ bytesIn, result });
    while (inFlight.length > maxInFlight) await writeOldest();
  };

  try {
    for await (const chunk of source) {
      const segment = segmenter.push(chunk);
      if (segment) await submit(segment, segmenter.lastSegmentOwned);
    }
    const rest = segmenter.end();
    if (rest) await submit(rest, false);
    while (inFlight.length > 0) await writeOldest();
    if (sinkError) throw sinkError;
  } catch (error) {
    inFlight.length = 0;
    throw error;
  } finally {
    sink.off('error', onSinkError);
  }
  return summary;
}

/** Waits for 'drain'; rejects instead of hanging if the sink fails meanwhile. */
function drained(sink: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = (): void => {
      sink.off('error', onError);
      resolve();
    };
    const onError = (error: Error): void => {
      sink.off('drain', onDrain);
      reject(error);
    };
    sink.once('drain', onDrain);
    sink.once('error', onError);
  });
}
