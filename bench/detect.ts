/**
 * Question: end to end, how fast is `Detector.detect(buffer)` (scan + confirmation of every
 * candidate), against the strong pure-JS baseline, the C++ scan of the same database, and the npm
 * libraries a user would otherwise pick? Goals: >= 1.5 GB/s on loghub, >= 8× the JS baseline.
 */
import { findPans } from './baselines/js-regex.js';
import { sliceAtLine } from './lib/corpus.js';
import { harnessRow } from './lib/harness.js';
import { formatBytes, measure, type Row, type TaskSpec } from './lib/measure.js';
import { loadDetectors, loadEngine } from './lib/ours.js';
import { gbps, ratioOf, rowOf, skipped, type Goal, type Ratio, type Suite } from './lib/suite.js';

export const suite: Suite = {
  id: 'detect',
  title: 'Detect end to end',
  question: 'How fast is Detector.detect on Buffers, against pure JS, the C++ scan and the npm peers?',
  inCheck: true,
  async run(ctx) {
    const detectors = await loadDetectors();
    if (!detectors.ok) return skipped(detectors.reason);
    const { Detector, builtinPatterns } = detectors.value;
    const detector = new Detector({ engine: 'hyperscan' });
    const rows: Row[] = [];
    const ratios: Ratio[] = [];
    const goals: Goal[] = [];
    const notes: string[] = [];

    const tasks: TaskSpec[] = [];
    for (const corpus of [ctx.corpora.loghub, ctx.corpora.cardDense]) {
      const input = `${corpus.name} ${formatBytes(corpus.bytes.length)}`;
      tasks.push(
        {
          contender: `${corpus.name}: cardveil detect`,
          kind: 'ours',
          input,
          bytes: corpus.bytes.length,
          fn: () => detector.detect(corpus.bytes),
          count: () => pans(detector.detect(corpus.bytes)),
        },
        {
          contender: `${corpus.name}: JS baseline (regex+Luhn)`,
          kind: 'js',
          input,
          bytes: corpus.bytes.length,
          fn: () => findPans(corpus.bytes),
          count: () => findPans(corpus.bytes).length / 2,
        },
      );
    }
    if (!ctx.quick) {
      const fallback = new Detector({ engine: 'javascript' });
      const corpus = ctx.corpora.loghub;
      tasks.push({
        contender: 'loghub: cardveil detect, JS fallback engine',
        kind: 'ours',
        input: `${corpus.name} ${formatBytes(corpus.bytes.length)}`,
        bytes: corpus.bytes.length,
        fn: () => fallback.detect(corpus.bytes),
        count: () => pans(fallback.detect(corpus.bytes)),
        note: 'the same Detector when the addon cannot load',
      });
    }
    rows.push(...(await measure('detect', tasks, ctx.big)));

    // The ceiling: the detector's database (the built-in set) scanned from C++, no confirmation.
    const engine = await loadEngine();
    if (engine.ok) {
      const { patterns, cardWindows, evasionHints } = builtinPatterns();
      const db = engine.value.compile(patterns, { cardWindows, evasionHints }, { engine: 'hyperscan' });
      const native = harnessRow(ctx, 'detect', db, 'builtin', ctx.corpora.loghub, ['block'], 'loghub: C++ harness, built-in db scan');
      if (typeof native === 'string') notes.push(`C++ harness: ${native}`);
      else {
        rows.push(native);
        ratios.push(ratioOf('detect/ours-vs-native', 'loghub: detect ÷ C++ scan of its database', rowOf(rows, 'loghub: cardveil detect'), native));
      }
    } else {
      notes.push(`C++ harness: ${engine.reason}`);
    }

    const ours = rowOf(rows, 'loghub: cardveil detect');
    const js = ratioOf('detect/ours-vs-js', 'loghub: detect ÷ JS baseline', ours, rowOf(rows, 'loghub: JS baseline (regex+Luhn)'));
    ratios.push(js);
    ratios.push(
      ratioOf('detect/dense-ours-vs-js', 'card-dense: detect ÷ JS baseline', rowOf(rows, 'loghub+cards: cardveil detect'), rowOf(rows, 'loghub+cards: JS baseline (regex+Luhn)')),
    );
    goals.push(
      { id: 'detect-throughput', text: 'detect on loghub >= 1.5 GB/s', measured: `${gbps(ours).toFixed(2)} GB/s`, pass: gbps(ours) >= 1.5 },
      { id: 'detect-vs-js', text: 'detect >= 8× the pure-JS baseline (loghub)', measured: `${js.value.toFixed(1)}×`, pass: js.value >= 8 },
    );

    // The npm peers are 3-4 orders of magnitude slower: a slice, with ours re-measured on it.
    if (!ctx.quick) {
      const slice = sliceAtLine(ctx.corpora.cardDense, ctx.peerSliceBytes);
      const text = slice.toString('latin1');
      const input = `card-dense slice ${formatBytes(slice.length)}`;
      const peerTasks: TaskSpec[] = [
        { contender: 'slice: cardveil detect', kind: 'ours', input, bytes: slice.length, fn: () => detector.detect(slice), count: () => pans(detector.detect(slice)) },
        { contender: 'slice: JS baseline (regex+Luhn)', kind: 'js', input, bytes: slice.length, fn: () => findPans(slice), count: () => findPans(slice).length / 2 },
      ];
      const peerRows = await measure('detect', peerTasks, ctx.big);
      for (const peer of ctx.peers.peers) {
        peerRows.push(
          ...(await measure('detect', [{
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
      const oursSlice = rowOf(peerRows, 'slice: cardveil detect');
      for (const peer of ctx.peers.peers) {
        ratios.push(ratioOf(`detect/ours-vs-${peer.name}`, `slice: detect ÷ ${peer.name}`, oursSlice, rowOf(peerRows, `slice: ${peer.name} ${peer.version}`)));
      }
      for (const m of ctx.peers.missing) notes.push(`peer not measured: ${m}`);
      notes.push(`The slice holds ${countPlanted(text)} planted test cards; "found" shows what each contender reports.`);
    }
    notes.push('"found" counts card numbers (PAN findings). loghub holds no card data: any PAN found there is a false positive.');
    return { rows, ratios, goals, notes };
  },
};

/** Card numbers among the findings (the "found" column compares like with like). */
function pans(findings: readonly { readonly type: string }[]): number {
  return findings.filter((f) => f.type === 'pan').length;
}

/** Planted cards in a slice: the generator's lines carry `card=`, `card_number`, `pan=` or `entered`. */
function countPlanted(text: string): number {
  return (text.match(/card=|"card_number"|pan=|customer entered/g) ?? []).length;
}
