/** Running totals over many scrub calls (segments, files): what the CLI summary and reports print. */
import type { ScrubResult, Verdict } from './types.js';

const SEVERITY: Record<Verdict, number> = { allowed: 0, redacted: 1, blocked: 2 };

export interface ScrubSummary {
  /** Input bytes scrubbed. */
  bytesIn: number;
  /** Output bytes written. */
  bytesOut: number;
  /** Findings acted on, per finding type. */
  counts: Record<string, number>;
  findings: number;
  /** The most severe verdict seen. */
  verdict: Verdict;
}

export function emptySummary(): ScrubSummary {
  return { bytesIn: 0, bytesOut: 0, counts: {}, findings: 0, verdict: 'allowed' };
}

/** Adds one scrub result (of `bytesIn` input bytes) to `summary`. */
export function addResult(summary: ScrubSummary, bytesIn: number, result: ScrubResult<Uint8Array | string>): void {
  summary.bytesIn += bytesIn;
  summary.bytesOut += typeof result.output === 'string' ? Buffer.byteLength(result.output) : result.output.length;
  addCounts(summary, result.counts, result.findings, result.verdict);
}

/** Adds another summary's findings and bytes to `summary`. */
export function addSummary(summary: ScrubSummary, other: ScrubSummary): void {
  summary.bytesIn += other.bytesIn;
  summary.bytesOut += other.bytesOut;
  addCounts(summary, other.counts, other.findings, other.verdict);
}

export function worseVerdict(a: Verdict, b: Verdict): Verdict {
  return SEVERITY[b] > SEVERITY[a] ? b : a;
}

function addCounts(summary: ScrubSummary, counts: Record<string, number>, findings: number, verdict: Verdict): void {
  for (const [type, n] of Object.entries(counts)) summary.counts[type] = (summary.counts[type] ?? 0) + n;
  summary.findings += findings;
  summary.verdict = worseVerdict(summary.verdict, verdict);
}
