import { scrubJsonl } from './jsonl.js';
import type { BufferScrubber, ScrubFormat, ScrubOutcome } from './types.js';

/** Scrubs one segment (whole lines, from the Segmenter) in the given format. */
export function scrubSegment(scrubber: BufferScrubber, segment: Uint8Array, format: ScrubFormat): ScrubOutcome<Buffer> {
  return format === 'jsonl' ? scrubJsonl(scrubber, segment) : scrubber.scrubBuffer(segment);
}
