/** The safe-cut test of the Segmenter, answered by the scrubber itself. */
import type { CutCheck } from './segmenter.js';
import type { BufferScrubber } from './types.js';

/**
 * A cut is safe when the window around it scrubs to the same bytes whether it is scrubbed as one
 * piece or as two: then no finding, context decision or blocked line depends on the cut.
 * (Counts from these probe calls are discarded; only segment scrubs are counted.)
 */
export function scrubberCutCheck(scrubber: BufferScrubber): CutCheck {
  return (left, right, both) => {
    const whole = scrubber.scrubBuffer(both).output;
    const a = scrubber.scrubBuffer(left).output;
    if (whole.length < a.length || whole.compare(a, 0, a.length, 0, a.length) !== 0) return false;
    const b = scrubber.scrubBuffer(right).output;
    return whole.length === a.length + b.length && whole.compare(b, 0, b.length, a.length, whole.length) === 0;
  };
}
