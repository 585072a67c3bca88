import { scrubJsonl } from './jsonl.js';
import type { BufferScrubber, ScrubFormat, ScrubOutcome } from './types.js';

/** Scrubs one segment (whole lines, from the Segmenter) in the given format. */
export function scrubSegment(scrubber: BufferScrubber, segment: Uint8Array, format: ScrubFormat): ScrubOutcome<Buffer> {
  return format === 'jsonl' ? scrubJsonl(scrubber, segment) : scrubber.scrubBuffer(segment);
}

/**
 * Scrubs `segment` whose first `context` bytes were already scrubbed and written as the end of the
 * previous segment (they are here so that decisions looking back, such as a keyword on the line
 * before a value, see them). Returns the output for the rest: the whole segment's output after
 * the part it shares with the context's own output. Counts are the rest's (whole minus context).
 *
 * When the new bytes changed a decision about the context (possible only across an idle cut),
 * the output from the first difference on is emitted: what was already written cannot be taken
 * back, but nothing new goes out less redacted than a whole-input scrub would make it.
 */
export function scrubAfterContext(scrubber: BufferScrubber, segment: Uint8Array, context: number, format: ScrubFormat): ScrubOutcome<Buffer> {
  const whole = scrubSegment(scrubber, segment, format);
  if (context === 0) return whole;
  const head = scrubSegment(scrubber, segment.subarray(0, context), format);
  let same = 0;
  const limit = Math.min(whole.output.length, head.output.length);
  while (same < limit && whole.output[same] === head.output[same]) same++;
  const counts: Record<string, number> = {};
  for (const [type, n] of Object.entries(whole.counts)) {
    const rest = n - (head.counts[type] ?? 0);
    if (rest > 0) counts[type] = rest;
  }
  return {
    output: whole.output.subarray(same),
    verdict: whole.verdict,
    counts,
    findings: Math.max(0, whole.findings - head.findings),
    ...(whole.reasons ? { reasons: whole.reasons } : {}),
  };
}
