/**
 * The regression gate (`npm run bench:check`) and its baseline (`npm run bench:update`).
 *
 * It compares RATIOS measured within one run (ours ÷ the JS baseline, ours ÷ the C++ ceiling, a
 * stream ÷ its block scan), never absolute MB/s: both sides of a ratio run on the same machine at
 * the same time, so a slower machine moves them together. Its runs are timed in process CPU time
 * and ratios use each contender's fastest sample: on a machine shared with other jobs, wall-clock
 * samples of a 10 ms operation ranged over 3x here while their CPU time stayed within 10%.
 *
 * Noise is measured, not assumed: `bench:update` runs the quick suites several times and stores,
 * per ratio, every sample, the median and the relative spread (max − min) ÷ median. A ratio fails
 * the check when it falls below median × (1 − threshold), with
 * threshold = max(3 × relative spread, 10%). `bench:check` itself takes the median of a few
 * repetitions, which is steadier than the single runs the spread was measured on, so the
 * threshold errs on the side of not flagging noise; and a suite whose ratio regressed is measured
 * twice more before the verdict, so a regression has to reproduce to fail the gate.
 */
import type { Ratio } from './suite.js';

export const MIN_THRESHOLD = 0.1;
export const SPREAD_FACTOR = 3;

export interface BaselineRatio {
  readonly label: string;
  readonly median: number;
  readonly samples: readonly number[];
  /** (max − min) ÷ median over the samples. */
  readonly spread: number;
  /** Allowed relative drop below the median before the check fails. */
  readonly threshold: number;
}

export interface Baseline {
  readonly version: 1;
  readonly created: string;
  readonly commit: string;
  readonly machine: { readonly cpu: string; readonly cores: number; readonly node: string };
  readonly repetitions: number;
  readonly rule: string;
  readonly ratios: Readonly<Record<string, BaselineRatio>>;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Groups the ratios of several repetitions by id, keeping every finite sample. */
export function collect(repetitions: readonly (readonly Ratio[])[]): Map<string, { label: string; samples: number[] }> {
  const byId = new Map<string, { label: string; samples: number[] }>();
  for (const ratios of repetitions) {
    for (const r of ratios) {
      if (!Number.isFinite(r.value)) continue;
      const entry = byId.get(r.id) ?? { label: r.label, samples: [] };
      entry.samples.push(r.value);
      byId.set(r.id, entry);
    }
  }
  return byId;
}

/** Builds the baseline from the ratios of several repetitions of the quick suites. */
export function buildBaseline(
  repetitions: readonly (readonly Ratio[])[],
  meta: { created: string; commit: string; machine: Baseline['machine'] },
): Baseline {
  const ratios: Record<string, BaselineRatio> = {};
  for (const [id, { label, samples }] of collect(repetitions)) {
    const mid = median(samples);
    const spread = samples.length > 1 ? (Math.max(...samples) - Math.min(...samples)) / mid : 0;
    ratios[id] = {
      label,
      median: round(mid),
      samples: samples.map(round),
      spread: round(spread),
      threshold: round(Math.max(SPREAD_FACTOR * spread, MIN_THRESHOLD)),
    };
  }
  return {
    version: 1,
    ...meta,
    repetitions: repetitions.length,
    rule: `fail when ratio < median × (1 − max(${SPREAD_FACTOR} × (max − min) ÷ median, ${MIN_THRESHOLD * 100}%))`,
    ratios,
  };
}

function round(n: number): number {
  return Math.round(n * 1e4) / 1e4;
}

export interface CheckLine {
  readonly id: string;
  readonly status: 'ok' | 'regressed' | 'improved' | 'missing' | 'new';
  readonly text: string;
}

export interface CheckResult {
  readonly ok: boolean;
  readonly lines: readonly CheckLine[];
}

/**
 * Compares the medians of this run's repetitions with the baseline. A ratio in the baseline that
 * this run did not produce fails too: a suite that stopped running is not a pass.
 */
export function check(baseline: Baseline, repetitions: readonly (readonly Ratio[])[]): CheckResult {
  const current = collect(repetitions);
  const lines: CheckLine[] = [];
  for (const [id, base] of Object.entries(baseline.ratios)) {
    const now = current.get(id);
    if (!now || now.samples.length === 0) {
      lines.push({ id, status: 'missing', text: `${base.label}: not measured in this run (baseline ${base.median.toFixed(2)}×)` });
      continue;
    }
    const value = median(now.samples);
    const floor = base.median * (1 - base.threshold);
    const change = ((value - base.median) / base.median) * 100;
    // A threshold of 100% or more cannot fail (a ratio never drops below zero): say so plainly.
    const ungated = base.threshold >= 1 ? '; too noisy to gate: re-run bench:update on a quieter machine' : '';
    const detail = `${value.toFixed(2)}× vs baseline ${base.median.toFixed(2)}× (${change >= 0 ? '+' : ''}${change.toFixed(1)}%, allowed −${(base.threshold * 100).toFixed(1)}%${ungated})`;
    if (value < floor) lines.push({ id, status: 'regressed', text: `${base.label}: ${detail}` });
    else if (value > base.median * (1 + base.threshold)) lines.push({ id, status: 'improved', text: `${base.label}: ${detail}` });
    else lines.push({ id, status: 'ok', text: `${base.label}: ${detail}` });
  }
  for (const [id, now] of current) {
    if (!(id in baseline.ratios)) {
      lines.push({ id, status: 'new', text: `${now.label}: ${median(now.samples).toFixed(2)}× (not in the baseline; run npm run bench:update)` });
    }
  }
  return { ok: lines.every((l) => l.status !== 'regressed' && l.status !== 'missing'), lines };
}

/** The baseline's ratios of some suites only (ratio ids start with `<suite>/`): `--check --only`. */
export function restrictTo(baseline: Baseline, suites: readonly string[]): Baseline {
  const ratios = Object.fromEntries(Object.entries(baseline.ratios).filter(([id]) => suites.includes(id.split('/')[0]!)));
  return { ...baseline, ratios };
}

/** `fresh` with the ratios of `old` that it did not re-measure kept: `--update --only`. */
export function mergeBaselines(old: Baseline, fresh: Baseline): Baseline {
  return { ...fresh, ratios: { ...old.ratios, ...fresh.ratios } };
}
