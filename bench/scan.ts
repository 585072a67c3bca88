/**
 * Question: scanning one big buffer (block mode), how close does Node get to the same database
 * scanned from C++, and how far ahead of V8 RegExp is it?
 *
 * Contenders, same bytes: `db.scan(buffer)` through the addon; the C++ harness on the database
 * from `db.serialize()`; one V8 RegExp of the same rules (literal set) or the pure-JS baseline
 * (built-in set); and, in the full run, cardveil's own JavaScript fallback engine.
 */
import { findPans } from './baselines/js-regex.js';
import { harnessRow } from './lib/harness.js';
import { formatBytes, measure, type Row, type TaskSpec } from './lib/measure.js';
import { loadBuiltinPatterns, loadEngine } from './lib/ours.js';
import { jsLiteralScan, LITERAL_SET } from './lib/patterns.js';
import { ratioOf, rowOf, skipped, type Ratio, type Suite } from './lib/suite.js';

export const suite: Suite = {
  id: 'scan',
  title: 'Engine scan, one big buffer',
  question: 'How close is Node to the C++ ceiling scanning one buffer, and how far ahead of V8 RegExp?',
  inCheck: true,
  async run(ctx) {
    const engine = await loadEngine();
    if (!engine.ok) return skipped(engine.reason);
    const { compile } = engine.value;
    const corpus = ctx.corpora.loghub;
    const input = `${corpus.name} ${formatBytes(corpus.bytes.length)}`;
    const rows: Row[] = [];
    const ratios: Ratio[] = [];
    const notes: string[] = [];

    // Literal-anchored set: Hyperscan's strong case, where the boundary cost shows most.
    const literal = compile(LITERAL_SET, {}, { engine: 'hyperscan' });
    const literalTasks: TaskSpec[] = [
      {
        contender: 'literal: cardveil db.scan',
        kind: 'ours',
        input,
        bytes: corpus.bytes.length,
        fn: () => literal.scan(corpus.bytes),
        count: () => literal.scan(corpus.bytes).length / 3,
      },
      {
        contender: 'literal: V8 RegExp, same rules',
        kind: 'js',
        input,
        bytes: corpus.bytes.length,
        fn: () => jsLiteralScan(corpus.bytes),
        count: () => jsLiteralScan(corpus.bytes),
      },
    ];
    rows.push(...(await measure('scan', literalTasks, ctx.big)));
    const literalNative = harnessRow(ctx, 'scan', literal, 'literal', corpus, ['block'], 'literal: C++ harness');
    if (typeof literalNative === 'string') notes.push(`C++ harness: ${literalNative}`);
    else rows.push(literalNative);

    const ours = rowOf(rows, 'literal: cardveil db.scan');
    ratios.push(ratioOf('scan/literal-vs-js', 'literal set: db.scan ÷ V8 RegExp', ours, rowOf(rows, 'literal: V8 RegExp, same rules')));
    if (typeof literalNative !== 'string') {
      ratios.push(ratioOf('scan/literal-vs-native', 'literal set: db.scan ÷ C++ harness', ours, literalNative));
    }

    // The built-in set (card windows included): what the product actually scans with.
    const builtins = await loadBuiltinPatterns();
    if (!builtins.ok) {
      notes.push(`built-in set skipped: ${builtins.reason}`);
    } else {
      const opts = { cardWindows: builtins.value.cardWindows, evasionHints: builtins.value.evasionHints };
      const db = compile(builtins.value.patterns, opts, { engine: 'hyperscan' });
      const tasks: TaskSpec[] = [
        {
          contender: 'built-in: cardveil db.scan',
          kind: 'ours',
          input,
          bytes: corpus.bytes.length,
          fn: () => db.scan(corpus.bytes),
          count: () => db.scan(corpus.bytes).length / 3,
        },
        {
          contender: 'built-in: JS baseline (regex+Luhn)',
          kind: 'js',
          input,
          bytes: corpus.bytes.length,
          fn: () => findPans(corpus.bytes),
          count: () => findPans(corpus.bytes).length / 2,
        },
      ];
      if (!ctx.quick) {
        const fallback = compile(builtins.value.patterns, opts, { engine: 'javascript' });
        tasks.push({
          contender: 'built-in: cardveil JS fallback engine',
          kind: 'ours',
          input,
          bytes: corpus.bytes.length,
          fn: () => fallback.scan(corpus.bytes),
          count: () => fallback.scan(corpus.bytes).length / 3,
          note: 'pure-TypeScript engine used when the addon cannot load',
        });
      }
      rows.push(...(await measure('scan', tasks, ctx.big)));
      const native = harnessRow(ctx, 'scan', db, 'builtin', corpus, ['block'], 'built-in: C++ harness');
      if (typeof native !== 'string') rows.push(native);
      const b = rowOf(rows, 'built-in: cardveil db.scan');
      ratios.push(ratioOf('scan/builtin-vs-js', 'built-in set: db.scan ÷ JS baseline', b, rowOf(rows, 'built-in: JS baseline (regex+Luhn)')));
      if (typeof native !== 'string') {
        ratios.push(ratioOf('scan/builtin-vs-native', 'built-in set: db.scan ÷ C++ harness', b, native));
      }
    }
    notes.push('V8 RegExp and the JS baseline read the Buffer as latin1 (cheapest decoding; byte offsets).');
    return { rows, ratios, goals: [], notes };
  },
};
