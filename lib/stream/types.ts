/**
 * What the streaming, CLI and worker layers need from a scrubber: the two calls of
 * `Scrubber` (lib/scrub.ts). Typed structurally so the stream machinery does not depend on how a
 * Scrubber is built (pack, engine, worker data).
 */
import type { ScrubResult } from '../scrub.js';

export type { ScrubResult };

/** Verdict of one scrub call, from the least to the most severe. */
export type Verdict = ScrubResult<unknown>['verdict'];

export interface BufferScrubber {
  scrubText(text: string): ScrubResult<string>;
  scrubBuffer(input: Uint8Array): ScrubResult<Buffer>;
}

/** Output format of a scrub: raw text lines, or JSON lines whose string values are scrubbed. */
export type ScrubFormat = 'text' | 'jsonl';
