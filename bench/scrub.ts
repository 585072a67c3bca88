/**
 * Question: Buffer in, Buffer out with the default pack, how fast is `scrubBuffer`, against the
 * pure-JS baseline doing the same job (find + replace, bytes in/out) and the npm peers?
 * Goal: >= 1 GB/s on loghub.
 */
import { redactPans } from './baselines/js-regex.js';
import { sliceAtLine } from './lib/corpus.js';
import { harnessRow } from './lib/harness.js';
import { formatBytes, measure, type Row, type TaskSpec } from './lib/measure.js';
import { loadBuiltinPatterns, loadEngine, loadScrub } from './lib/ours.js';
import { gbps, ratioOf, rowOf, skipped, type Goal, type Ratio, type Suite } from './lib/suite.js';

/** Card numbers the JS baseline replaced. */
export function redactedCount(text: string): number {
  return text.split('[REDACTED:PAN]').length - 1;
}

export const suite: Suite = {
  id: 'scrub',
  title: 'Scrub end to end',
  question: 'How fast is Scrubber.scrubBuffer (default pack, Buffer in/out) against pure JS and the npm peers?',
  inCheck: true,
  async run(ctx) {
    const scrub = await loadScrub();
    if (!scrub.ok) return skipped(scrub.reason);
    const scrubber = scrub.value.Scrubber.create({ engine: 'hyperscan' });
    const rows: Row[] = [];
    const ratios: Ratio[] = [];
    const goals: Goal[] = [];
    const notes: string[] = [];

    const tasks: TaskSpec[] = [];
    for (const corpus of [ctx.corpora.loghub, ctx.corpora.cardDense]) {
      const input = `${corpus.name} ${formatBytes(corpus.bytes.length)}`;
      tasks.push(
        {
          contender: `${corpus.name}: cardveil scrubBuffer`,
          kind: 'ours',
          input,
          bytes: corpus.bytes.length,
          fn: () => scrubber.scrubBuffer(corpus.bytes).output,
          count: () => scrubber.scrubBuffer(corpus.bytes).findings,
        },
        {
          contender: `${corpus.name}: JS baseline redactPans`,
          kind: 'js',
          input,
          bytes: corpus.bytes.length,
          fn: () => redactPans(corpus.bytes),
          count: () => redactedCount(redactPans(corpus.bytes).toString('latin1')),
        },
      );
    }
    rows.push(...(await measure('scrub', tasks, ctx.big)));

    const engine = await loadEngine();
    const builtins = await loadBuiltinPatterns();
    if (engine.ok && builtins.ok) {
      const { patterns, cardWindows, evasionHints } = builtins.value;
      const db = engine.value.compile(patterns, { cardWindows, evasionHints }, { engine: 'hyperscan' });
      const native = harnessRow(ctx, 'scrub', db, 'builtin', ctx.corpora.loghub, ['block'], 'loghub: C++ harness, built-in db scan');
      if (typeof native === 'string') notes.push(`C++ harness: ${native}`);
      else {
        rows.push(native);
        ratios.push(ratioOf('scrub/ours-vs-native', 'loghub: scrubBuffer ÷ C++ scan of its database', rowOf(rows, 'loghub: cardveil scrubBuffer'), native));
      }
    }

    const ours = rowOf(rows, 'loghub: cardveil scrubBuffer');
    ratios.push(ratioOf('scrub/ours-vs-js', 'loghub: scrubBuffer ÷ JS baseline', ours, rowOf(rows, 'loghub: JS baseline redactPans')));
    ratios.push(
      ratioOf('scrub/dense-ours-vs-js', 'card-dense: scrubBuffer ÷ JS baseline', rowOf(rows, 'loghub+cards: cardveil scrubBuffer'), rowOf(rows, 'loghub+cards: JS baseline redactPans')),
    );
    goals.push({ id: 'scrub-throughput', text: 'scrubBuffer on loghub >= 1 GB/s', measured: `${gbps(ours).toFixed(2)} GB/s`, pass: gbps(ours) >= 1 });

    if (!ctx.quick) {
      // Peers take strings: ours gets the same string (scrubText) and the same bytes (scrubBuffer).
      const slice = sliceAtLine(ctx.corpora.cardDense, ctx.peerSliceBytes);
      const text = slice.toString('latin1');
      const input = `card-dense slice ${formatBytes(slice.length)}`;
      const peerRows = await measure('scrub', [
        { contender: 'slice: cardveil scrubBuffer', kind: 'ours', input, bytes: slice.length, fn: () => scrubber.scrubBuffer(slice).output, count: () => scrubber.scrubBuffer(slice).findings },
        { contender: 'slice: cardveil scrubText', kind: 'ours', input, bytes: slice.length, fn: () => scrubber.scrubText(text).output, count: () => scrubber.scrubText(text).findings },
        { contender: 'slice: JS baseline redactPans', kind: 'js', input, bytes: slice.length, fn: () => redactPans(text), count: () => redactedCount(redactPans(text)) },
      ], ctx.big);
      for (const peer of ctx.peers.peers) {
        peerRows.push(
          ...(await measure('scrub', [{
            contender: `slice: ${peer.name} ${peer.version}`,
            kind: 'peer',
            input,
            bytes: slice.length,
            async: peer.async,
            fn: () => peer.redact(text),
            count: () => peer.count(text),
            note: `${peer.config}; timed on the ${formatBytes(slice.length)} slice (the size the slowest peer can be timed on)`,
          }], ctx.peer)),
        );
      }
      rows.push(...peerRows);
      const oursText = rowOf(peerRows, 'slice: cardveil scrubText');
      for (const peer of ctx.peers.peers) {
        ratios.push(ratioOf(`scrub/ours-vs-${peer.name}`, `slice: scrubText ÷ ${peer.name}`, oursText, rowOf(peerRows, `slice: ${peer.name} ${peer.version}`)));
      }
      for (const m of ctx.peers.missing) notes.push(`peer not measured: ${m}`);
    }
    notes.push('"found": findings of every type for cardveil (default pack), card numbers for the others.');
    return { rows, ratios, goals, notes };
  },
};
