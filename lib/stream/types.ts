/**
 * What the streaming, CLI and worker layers need from a scrubber: the two calls of `Scrubber`
 * (lib/scrub.ts), typed structurally so this machinery does not depend on how a Scrubber is built
 * (pack, engine, worker data) and so a segment result can be assembled from several calls.
 */
import type { Verdict } from '../policy/chain.js';

export type { Verdict };

/** The part of `ScrubOutcome` (lib/scrub.ts) that segments, files and summaries carry. */
export interface ScrubOutcome<T> {
  readonly output: T;
  readonly verdict: Verdict;
  /** Findings per finding type. */
  readonly counts: Readonly<Record<string, number>>;
  readonly findings: number;
  /** Why, as stable codes (lib/policy/chain.ts `Reason`); `internal_error` marks fail-closed output. */
  readonly reasons?: readonly { readonly code: string }[];
}

export interface BufferScrubber {
  scrubText(text: string): ScrubOutcome<string>;
  scrubBuffer(input: Uint8Array): ScrubOutcome<Buffer>;
}

/** Output format of a scrub: raw text lines, or JSON lines whose string values are scrubbed. */
export type ScrubFormat = 'text' | 'jsonl';
