/**
 * Timing: thin layer over tinybench 6 that turns a finished task into one result row.
 *
 * Throughput in MB/s comes from the MEDIAN latency (p50), not the mean: on a shared machine a few
 * preempted samples would otherwise drag the mean; the p99 is reported beside it. The fastest
 * sample is kept too: ratios (and so the regression gate) are computed from it, see suite.ts.
 */
import { Bench } from 'tinybench';

/** Who a row belongs to: ours, the C++ ceiling, the pure-JS baseline, or a peer npm library. */
export type ContenderKind = 'ours' | 'native' | 'js' | 'peer';

export interface Row {
  readonly suite: string;
  readonly contender: string;
  readonly kind: ContenderKind;
  /** Input the row measured, e.g. `loghub 19.5 MB` or `loghub slice 256 KB`. */
  readonly input: string;
  /** Bytes handled per operation, or null for rows that are not about throughput. */
  readonly bytes: number | null;
  readonly mbPerSec: number | null;
  readonly opsPerSec: number;
  readonly p50Us: number;
  readonly p99Us: number;
  /** Fastest sample, µs: what the ratios use (interference on a shared machine only adds time). */
  readonly minUs: number;
  /** Relative margin of error of the mean latency, percent. */
  readonly rmePct: number;
  readonly samples: number;
  /** Matches/findings/records the contender reported for one operation: shows it did the work. */
  readonly count?: number;
  readonly note?: string;
}

export interface TaskSpec {
  readonly contender: string;
  readonly kind: ContenderKind;
  readonly input: string;
  readonly bytes: number | null;
  /** One operation. Its return value is consumed (kept in a sink) so nothing is optimised away. */
  readonly fn: () => unknown;
  /** The operation returns a promise (awaited inside the timed part). */
  readonly async?: boolean;
  /** How many things one operation found (called once, outside the timed part). */
  readonly count?: () => number | Promise<number>;
  readonly note?: string;
}

export interface MeasureOptions {
  /** Time budget per task, ms (of the chosen clock). */
  readonly time: number;
  /**
   * `wall` (default): elapsed time, what a user waits. `cpu`: CPU time of this process (all its
   * threads), which other processes on a busy machine cannot inflate: the gate uses it.
   */
  readonly clock?: 'wall' | 'cpu';
  /** Minimum samples per task. */
  readonly iterations: number;
  readonly warmupTime?: number;
  readonly warmupIterations?: number;
}

/** Process CPU time in ms (user + system, every thread): getrusage, microsecond resolution. */
export function cpuNow(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e3;
}

let sink = 0;

/** Folds any result into a number so V8 cannot drop the work that produced it. */
export function consume(value: unknown): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'number') sink += value;
  else if (typeof value === 'string') sink += value.length;
  else if (ArrayBuffer.isView(value)) sink += value.byteLength;
  else if (Array.isArray(value)) sink += value.length;
  else sink += 1;
}

/** The accumulated sink: printed at the end of a run so the work is observable. */
export function sinkValue(): number {
  return sink;
}

/** Runs the tasks of one suite in one Bench (same process, same warm state) and returns rows. */
export async function measure(suite: string, specs: readonly TaskSpec[], options: MeasureOptions): Promise<Row[]> {
  const bench = new Bench({
    name: suite,
    time: options.time,
    iterations: options.iterations,
    warmupTime: options.warmupTime ?? Math.min(250, options.time),
    warmupIterations: options.warmupIterations ?? 2,
    throws: true,
    ...(options.clock === 'cpu' ? { now: cpuNow } : {}),
  });
  for (const spec of specs) {
    // Sync operations stay sync: an async wrapper would add a microtask turn to every sample.
    if (spec.async) {
      bench.add(spec.contender, async () => consume(await spec.fn()), { async: true });
    } else {
      bench.add(spec.contender, () => consume(spec.fn()), { async: false });
    }
  }
  await bench.run();
  const rows: Row[] = [];
  for (const spec of specs) {
    const task = bench.getTask(spec.contender);
    const result = task?.result;
    if (!result || (result.state !== 'completed' && result.state !== 'aborted-with-statistics')) {
      const why = result?.state === 'errored' ? result.error.message : (result?.state ?? 'missing');
      throw new Error(`${suite}/${spec.contender}: task did not complete (${why})`);
    }
    const p50Ms = result.latency.p50;
    const count = spec.count ? await spec.count() : undefined;
    rows.push({
      suite,
      contender: spec.contender,
      kind: spec.kind,
      input: spec.input,
      bytes: spec.bytes,
      mbPerSec: spec.bytes === null || p50Ms <= 0 ? null : spec.bytes / 1e6 / (p50Ms / 1e3),
      opsPerSec: p50Ms > 0 ? 1e3 / p50Ms : 0,
      p50Us: p50Ms * 1e3,
      p99Us: result.latency.p99 * 1e3,
      minUs: result.latency.min * 1e3,
      rmePct: result.latency.rme,
      samples: result.latency.samplesCount,
      ...(count === undefined ? {} : { count }),
      ...(spec.note === undefined ? {} : { note: spec.note }),
    });
  }
  return rows;
}

/** A row measured outside tinybench (the C++ harness prints its own numbers). */
export function externalRow(fields: Omit<Row, 'opsPerSec'> & { opsPerSec?: number }): Row {
  return { ...fields, opsPerSec: fields.opsPerSec ?? (fields.p50Us > 0 ? 1e6 / fields.p50Us : 0) };
}

/** `19.5 MB`, `256 KB`: for input labels. */
export function formatBytes(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${Math.round(n / 1e3)} KB`;
  return `${n} B`;
}
