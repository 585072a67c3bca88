/**
 * Question: fed in 64 KB chunks, how much throughput do the streaming paths keep compared with
 * scanning/scrubbing the same bytes as one block? Goal: the scrub stream >= 80% of block.
 *
 * - engine: `db.openStream()` + `write(64 KB)` + `close()` vs `db.scan(buffer)`, built-in set,
 *   with the C++ harness doing the same (StreamScanner vs PatternSet::scan) as the ceiling;
 * - scrub: `createScrubStream()` (a Node Transform; backpressure honoured) vs `scrubBuffer`.
 */
import { once } from 'node:events';
import type { Transform } from 'node:stream';
import { harnessRow } from './lib/harness.js';
import { formatBytes, measure, type Row, type TaskSpec } from './lib/measure.js';
import { loadBuiltinPatterns, loadEngine, loadScrub, loadStream } from './lib/ours.js';
import { ratioOf, rowOf, skipped, type Goal, type Ratio, type Suite } from './lib/suite.js';

const CHUNK = 64 * 1024;

/** Pushes `bytes` through `stream` in CHUNK writes, waits for the end; returns output bytes. */
async function pump(stream: Transform, bytes: Buffer): Promise<number> {
  let out = 0;
  stream.on('data', (chunk: Buffer) => {
    out += chunk.length;
  });
  const ended = once(stream, 'end');
  for (let at = 0; at < bytes.length; at += CHUNK) {
    if (!stream.write(bytes.subarray(at, Math.min(at + CHUNK, bytes.length)))) await once(stream, 'drain');
  }
  stream.end();
  await ended;
  return out;
}

export const suite: Suite = {
  id: 'stream',
  title: 'Streaming, 64 KB chunks vs block',
  question: 'Fed in 64 KB chunks, how much of the block-mode throughput do the streaming paths keep?',
  inCheck: true,
  async run(ctx) {
    const corpus = ctx.corpora.cardDense;
    const bytes = corpus.bytes;
    const input = `${corpus.name} ${formatBytes(bytes.length)}`;
    const rows: Row[] = [];
    const ratios: Ratio[] = [];
    const goals: Goal[] = [];
    const notes: string[] = [];

    const engine = await loadEngine();
    const builtins = await loadBuiltinPatterns();
    if (engine.ok && builtins.ok) {
      const { patterns, cardWindows, evasionHints } = builtins.value;
      const db = engine.value.compile(patterns, { cardWindows, evasionHints }, { engine: 'hyperscan' });
      const streamed = (): number => {
        const s = db.openStream();
        let found = 0;
        for (let at = 0; at < bytes.length; at += CHUNK) found += s.write(bytes.subarray(at, Math.min(at + CHUNK, bytes.length))).length;
        return (found + s.close().length) / 3;
      };
      rows.push(
        ...(await measure('stream', [
          { contender: 'engine: openStream, 64 KB writes', kind: 'ours', input, bytes: bytes.length, fn: streamed, count: streamed },
          { contender: 'engine: db.scan, one block', kind: 'ours', input, bytes: bytes.length, fn: () => db.scan(bytes), count: () => db.scan(bytes).length / 3 },
        ], ctx.big)),
      );
      const engineRatio = ratioOf('stream/engine-vs-block', 'engine: 64 KB stream ÷ block', rowOf(rows, 'engine: openStream, 64 KB writes'), rowOf(rows, 'engine: db.scan, one block'));
      ratios.push(engineRatio);
      goals.push({ id: 'engine-stream-vs-block', text: 'engine stream (64 KB writes) >= 80% of block scan', measured: `${(engineRatio.value * 100).toFixed(0)}%`, pass: engineRatio.value >= 0.8 });
      const nativeStream = harnessRow(ctx, 'stream', db, 'builtin', corpus, ['stream', String(CHUNK)], 'engine: C++ harness, StreamScanner 64 KB');
      const nativeBlock = harnessRow(ctx, 'stream', db, 'builtin', corpus, ['block'], 'engine: C++ harness, block');
      if (typeof nativeStream === 'string') notes.push(`C++ harness: ${nativeStream}`);
      else if (typeof nativeBlock !== 'string') {
        rows.push(nativeStream, nativeBlock);
        ratios.push(ratioOf('stream/engine-vs-native-stream', 'engine: Node stream ÷ C++ stream', rowOf(rows, 'engine: openStream, 64 KB writes'), nativeStream));
      }
    } else {
      notes.push(`engine stream skipped: ${engine.ok ? (builtins.ok ? '' : builtins.reason) : engine.reason}`);
    }

    const scrub = await loadScrub();
    const streams = await loadStream();
    if (scrub.ok && streams.ok) {
      const scrubber = scrub.value.Scrubber.create({ engine: 'hyperscan' });
      const { createScrubStream } = streams.value;
      rows.push(
        ...(await measure('stream', [
          {
            contender: 'scrub: createScrubStream, 64 KB writes',
            kind: 'ours',
            input,
            bytes: bytes.length,
            async: true,
            fn: () => pump(createScrubStream({ scrubber }), bytes),
          },
          { contender: 'scrub: scrubBuffer, one block', kind: 'ours', input, bytes: bytes.length, fn: () => scrubber.scrubBuffer(bytes).output },
        ], ctx.big)),
      );
      const ratio = ratioOf('stream/scrub-vs-block', 'scrub: 64 KB stream ÷ block', rowOf(rows, 'scrub: createScrubStream, 64 KB writes'), rowOf(rows, 'scrub: scrubBuffer, one block'));
      ratios.push(ratio);
      goals.push({ id: 'stream-vs-block', text: 'scrub stream (64 KB chunks) >= 80% of block', measured: `${(ratio.value * 100).toFixed(0)}%`, pass: ratio.value >= 0.8 });
    } else {
      notes.push(`scrub stream skipped: ${scrub.ok ? (streams.ok ? '' : streams.reason) : scrub.reason}`);
    }
    if (rows.length === 0) return skipped(notes.join('; '));
    notes.push('Input: the card-dense corpus, so matches do cross chunk boundaries.');
    return { rows, ratios, goals, notes };
  },
};
