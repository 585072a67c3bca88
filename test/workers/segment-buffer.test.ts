import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { Scrubber } from '../../lib/scrub.js';
import { scrubberCutCheck } from '../../lib/stream/cut-check.js';
import { scrubAfterContext } from '../../lib/stream/scrub-segment.js';
import type { CutCheck } from '../../lib/stream/segmenter.js';
import { SegmentBuffer } from '../../lib/workers/segment-buffer.js';
import { chunk, chunkSizes, logBytes } from '../stream/log-arbitraries.js';

const always: CutCheck = () => true;
let scrubber: Scrubber;

beforeAll(() => {
  scrubber = Scrubber.create();
});

/**
 * Feeds `chunks` through fill/take like the pipeline does, scrubbing each segment and recycling its
 * memory as soon as the output is copied out: reused memory that was still in use would show up
 * as wrong output.
 */
function scrubThrough(buffer: SegmentBuffer, chunks: readonly Buffer[]): { segments: Buffer[]; output: Buffer } {
  const segments: Buffer[] = [];
  const outputs: Buffer[] = [];
  const consume = (segment: Buffer): void => {
    segments.push(Buffer.from(segment));
    outputs.push(Buffer.from(scrubber.scrubBuffer(segment).output));
    buffer.recycle(segment.buffer);
  };
  for (const piece of chunks) {
    for (let at = 0; at < piece.length; ) {
      at += buffer.fill(piece, at);
      const segment = buffer.take();
      if (segment) consume(segment);
    }
  }
  const rest = buffer.end();
  if (rest) consume(rest);
  return { segments, output: Buffer.concat(outputs) };
}

describe('SegmentBuffer', () => {
  it('scrubs to the same bytes as a whole-input scrub for every chunking, while recycling its memory', { timeout: 120_000 }, () => {
    fc.assert(
      fc.property(logBytes, chunkSizes, (input, sizes) => {
        const buffer = new SegmentBuffer(scrubberCutCheck(scrubber), { segmentBytes: 4096, contextBytes: 1024, maxHoldbackBytes: 1 << 20, spares: 2 });
        const { segments, output } = scrubThrough(buffer, chunk(input, sizes));
        expect(Buffer.concat(segments).equals(input)).toBe(true);
        expect(output.equals(scrubber.scrubBuffer(input).output)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('reads straight into its free space and cuts after a newline with a full context window after it', () => {
    const buffer = new SegmentBuffer(always, { segmentBytes: 64, contextBytes: 8, maxHoldbackBytes: 1024 });
    const input = Buffer.from('0123456789abcde\n'.repeat(10)); // 160 bytes, lines of 16
    let at = 0;
    const segments: Buffer[] = [];
    while (at < input.length) {
      const space = buffer.space();
      const n = input.copy(space, 0, at);
      buffer.commit(n);
      at += n;
      const segment = buffer.take();
      if (segment) segments.push(Buffer.from(segment));
    }
    // Each time 64 bytes are held, the cut at 48 is the last one with 8 bytes after it.
    expect(segments.map((s) => s.length)).toEqual([48, 48, 48]);
    expect(buffer.heldBytes).toBe(16);
    expect(Buffer.concat([...segments, buffer.end()!]).equals(input)).toBe(true);
    expect(buffer.end()).toBeNull();
  });

  it('grows past one buffer for a long line and fails closed past the holdback bound', () => {
    const buffer = new SegmentBuffer(always, { segmentBytes: 64, contextBytes: 8, maxHoldbackBytes: 256 });
    const line = Buffer.from(`${'x'.repeat(200)}\nshort\n${'y'.repeat(20)}`);
    let segment: Buffer | null = null;
    for (let at = 0; at < line.length && !segment; ) {
      at += buffer.fill(line, at);
      segment = buffer.take();
    }
    expect(segment?.toString()).toBe(`${'x'.repeat(200)}\nshort\n`); // the last cut with 8 bytes after it
    const endless = new SegmentBuffer(always, { segmentBytes: 64, contextBytes: 8, maxHoldbackBytes: 256 });
    const noNewline = Buffer.alloc(400, 0x61);
    expect(() => {
      for (let at = 0; at < noNewline.length; ) {
        at += endless.fill(noNewline, at);
        endless.take();
      }
    }).toThrow(expect.objectContaining({ code: 'ERR_HOLDBACK_EXCEEDED' }));
  });

  it('an idle cut at any point of the input gives the same output as scrubbing the whole input', { timeout: 120_000 }, () => {
    fc.assert(
      fc.property(logBytes, fc.nat(), fc.nat({ max: 3 }), (input, line, extra) => {
        // Input pauses just after a line break (the hard case: nothing of the next line yet).
        const breaks = [...input.entries()].filter(([, b]) => b === 0x0a).map(([i]) => i + 1);
        const paused = Math.min(input.length, (breaks.length > 0 ? breaks[line % breaks.length]! : 0) + extra);
        const buffer = new SegmentBuffer(scrubberCutCheck(scrubber), { segmentBytes: 1 << 20 });
        buffer.fill(input.subarray(0, paused));
        const early = buffer.takeIdle();
        const first = early ? Buffer.from(scrubber.scrubBuffer(early).output) : Buffer.alloc(0);
        buffer.fill(input.subarray(paused));
        const rest = buffer.end();
        const second = rest ? scrubAfterContext(scrubber, rest, buffer.lastCarry, 'text').output : Buffer.alloc(0);
        const output = Buffer.concat([first, second]);
        expect(output.equals(scrubber.scrubBuffer(input).output)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('after a pause, hands out the complete lines that are safe without the input still to come', () => {
    const buffer = new SegmentBuffer(scrubberCutCheck(scrubber), { segmentBytes: 1 << 20 });
    buffer.fill(Buffer.from('user alice logged in\nuser bob logged in\npartial li'));
    expect(buffer.takeIdle()?.toString()).toBe('user alice logged in\nuser bob logged in\n');
    expect(buffer.heldBytes).toBe('partial li'.length);
    expect(buffer.takeIdle()).toBeNull(); // no complete line
    buffer.fill(Buffer.from('ne\ncard 4111 1111\n'));
    // The card number may continue on the next line: only the line before it goes out, after
    // the lines already handed out, which come again as context (lastCarry bytes).
    const second = buffer.takeIdle()!;
    expect(second.toString()).toBe('user alice logged in\nuser bob logged in\npartial line\n');
    expect(second.subarray(buffer.lastCarry).toString()).toBe('partial line\n');
    buffer.fill(Buffer.from('1111 1111 wrapped\nnext\n'));
    const third = buffer.takeIdle()!;
    expect(third.subarray(buffer.lastCarry).toString()).toBe('card 4111 1111\n1111 1111 wrapped\nnext\n');
    expect(scrubAfterContext(scrubber, third, buffer.lastCarry, 'text').output.toString()).toBe(
      scrubber.scrubBuffer(Buffer.from('card 4111 1111\n1111 1111 wrapped\nnext\n')).output.toString(),
    );
    expect(scrubAfterContext(scrubber, third, buffer.lastCarry, 'text').output.toString()).not.toMatch(/1111 1111/);
  });
});
