/** Running totals over many scrub calls (segments, files): what the CLI summary and reports print. */
import type { ScrubOutcome, Verdict } from './types.js';

const SEVERITY: Record<Verdict, number> = { allowed: 0, redacted: 1, blocked: 2 };

export interface ScrubSummary {
  /** Scrub calls (segments) the input was cut into. */
  segments: number;
  /** Input bytes scrubbed. */
  bytesIn: number;
  /** Output bytes written. */
  bytesOut: number;
  /** Findings acted on, per finding type. */
  counts: Record<string, number>;
  findings: number;
  /** The most severe verdict seen. */
  verdict: Verdict;
  /**
   * Scrub calls that failed internally and so withheld their input (their output is a block
   * marker: fail closed). Non-zero means the output is safe but incomplete.
   */
  withheld: number;
}

export function emptySummary(): ScrubSummary {
  return { segments: 0, bytesIn: 0, bytesOut: 0, counts: {}, findings: 0, verdict: 'allowed', withheld: 0 };
}

/** Adds one scrub result (of `bytesIn` input bytes) to `summary`. */
export function addResult(summary: ScrubSummary, bytesIn: number, result: ScrubOutcome<Uint8Array | string>): void {
  summary.segments += 1;
  summary.bytesIn += bytesIn;
  summary.bytesOut += typeof result.output === 'string' ? Buffer.byteLength(result.output) : result.output.length;
  addCounts(summary, result.counts, result.findings, result.verdict);
  if (result.reasons?.some((reason) => WITHHELD_CODES.has(reason.code))) summary.withheld++;
}

/** Reason codes (lib/policy/engine.ts) of a scrub call whose input was withheld after a failure. */
const WITHHELD_CODES = new Set(['internal_error', 'link_failed']);

/** Adds another summary's findings and bytes to `summary`. */
export function addSummary(summary: ScrubSummary, other: ScrubSummary): void {
  summary.segments += other.segments;
  summary.bytesIn += other.bytesIn;
  summary.bytesOut += other.bytesOut;
  addCounts(summary, other.counts, other.findings, other.verdict);
  summary.withheld += other.withheld;
}

export function worseVerdict(a: Verdict, b: Verdict): Verdict {
  return SEVERITY[b] > SEVERITY[a] ? b : a;
}

function addCounts(summary: ScrubSummary, counts: Readonly<Record<string, number>>, findings: number, verdict: Verdict): void {
  for (const [type, n] of Object.entries(counts)) summary.counts[type] = (summary.counts[type] ?? 0) + n;
  summary.findings += findings;
  summary.verdict = worseVerdict(summary.verdict, verdict);
}
