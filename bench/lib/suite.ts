/**
 * What a suite is and what it gets. One suite = one question (one file in bench/), answered by
 * measuring ours and its comparisons on the same input in the same run.
 */
import type { Corpora, Corpus } from './corpus.js';
import type { HarnessBuild } from './harness.js';
import type { MeasureOptions, Row } from './measure.js';
import type { PeersLoaded } from './peers.js';

/** ours ÷ a comparison (higher is better), the unit the regression gate checks. */
export interface Ratio {
  /** Stable key for bench/baseline.json, e.g. `detect/ours-vs-js`. */
  readonly id: string;
  readonly label: string;
  readonly value: number;
}

export interface Goal {
  readonly id: string;
  /** e.g. `detect >= 1.5 GB/s on loghub`. */
  readonly text: string;
  readonly measured: string;
  readonly pass: boolean;
}

export interface SuiteOutcome {
  readonly rows: Row[];
  readonly ratios: Ratio[];
  readonly goals: Goal[];
  readonly notes: string[];
  /** Set when the suite could not run; says why. */
  readonly skipped?: string;
}

export interface SuiteContext {
  readonly corpora: Corpora;
  /** bench:check: fewer, shorter measurements, no peer libraries. */
  readonly quick: boolean;
  /** Timing for operations over the whole corpus (tens of ms each). */
  readonly big: MeasureOptions;
  /** Timing for small operations (µs each: prompts, requests). */
  readonly small: MeasureOptions;
  /** Timing for the slow peer libraries on their slice. */
  readonly peer: MeasureOptions;
  /** Minimum measuring time the C++ harness gets per mode, ms. */
  readonly harnessMs: number;
  /** The clock every measurement uses (see MeasureOptions.clock); the harness follows it. */
  readonly clock: 'wall' | 'cpu';
  readonly harness: HarnessBuild;
  readonly peers: PeersLoaded;
  /** Bytes of the slice the peer libraries get. */
  readonly peerSliceBytes: number;
  /** The corpus written to a file, for the C++ harness (written once per run). */
  corpusFile(corpus: Corpus): string;
}

export interface Suite {
  readonly id: string;
  readonly title: string;
  /** The question the suite answers, printed above its table. */
  readonly question: string;
  /** Part of the quick subset that `bench:check` gates on. */
  readonly inCheck: boolean;
  run(ctx: SuiteContext): Promise<SuiteOutcome>;
}

export function skipped(reason: string): SuiteOutcome {
  return { rows: [], ratios: [], goals: [], notes: [], skipped: reason };
}

/** Finds a row by contender name (throws if a suite forgot to measure it: a bench bug). */
export function rowOf(rows: readonly Row[], contender: string): Row {
  const row = rows.find((r) => r.contender === contender);
  if (!row) throw new Error(`no row named ${contender}`);
  return row;
}

/**
 * ours ÷ other, from each row's FASTEST sample. On a shared machine other processes only ever add
 * time to a sample, so the minimum is the steadiest estimate of what the code costs; ratios of
 * medians swung by 50-100% between runs here while the machine was busy, ratios of minimums far
 * less. Rows without bytes compare operations per second, which is the same thing.
 */
export function ratioOf(id: string, label: string, ours: Row, other: Row): Ratio {
  const rate = (r: Row): number => (r.bytes ?? 1) / r.minUs;
  return { id, label, value: other.minUs > 0 && ours.minUs > 0 ? rate(ours) / rate(other) : Number.POSITIVE_INFINITY };
}

export function gbps(row: Row): number {
  return (row.mbPerSec ?? 0) / 1e3;
}
