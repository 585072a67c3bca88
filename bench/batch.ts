/**
 * Question: what does it cost to scan many short records (log lines) in one call instead of one
 * big buffer, and how close is Node's batch path to C++ scanning the same records one by one?
 *
 * - loghub lines: the batch entry point (`scanRecords(buffer, ends)` when the engine has it, else
 *   `scanBatch(subarrays)`) vs the C++ harness scanning the same records (goal: >= 70%).
 * - 200-byte records: N records batched vs one buffer of the same bytes; the difference divided by
 *   N is the per-record overhead (goal: <= 150 ns).
 * - the pure-JS way: one V8 RegExp of the same rules over every line held as a string.
 */
import { fixedEnds } from './lib/corpus.js';
import { harnessRow, writeInput } from './lib/harness.js';
import { formatBytes, measure, type Row, type TaskSpec } from './lib/measure.js';
import { type BenchDatabase, loadEngine } from './lib/ours.js';
import { LITERAL_SET, LITERAL_SET_REGEXP } from './lib/patterns.js';
import { ratioOf, rowOf, skipped, type Goal, type Ratio, type Suite } from './lib/suite.js';

/** Subarray views of `bytes` at the record boundaries (built once, outside the timed part). */
function recordsOf(bytes: Buffer, ends: Uint32Array): Buffer[] {
  const out: Buffer[] = new Array<Buffer>(ends.length);
  let from = 0;
  for (let k = 0; k < ends.length; k++) {
    out[k] = bytes.subarray(from, ends[k]);
    from = ends[k]!;
  }
  return out;
}

/** The lines as JS strings (latin1), as a pure-JS log scanner would hold them: built outside the timing. */
function lineStrings(bytes: Buffer, ends: Uint32Array): string[] {
  return recordsOf(bytes, ends).map((b) => b.toString('latin1'));
}

/** The literal set as one V8 RegExp, run over every line: the pure-JS way to scan log lines. */
function jsScanLines(lines: readonly string[]): number {
  const re = LITERAL_SET_REGEXP;
  let count = 0;
  for (const line of lines) {
    re.lastIndex = 0;
    while (re.exec(line) !== null) count++;
  }
  return count;
}

/** The fastest batch entry point the engine offers, and its name. */
function batchScan(db: BenchDatabase, bytes: Buffer, ends: Uint32Array): { name: string; fn: () => Float64Array } {
  if (typeof db.scanRecords === 'function') {
    const scanRecords = db.scanRecords.bind(db);
    return { name: 'scanRecords(buffer, ends)', fn: () => scanRecords(bytes, ends) };
  }
  const records = recordsOf(bytes, ends);
  return { name: 'scanBatch(records)', fn: () => db.scanBatch(records) };
}

export const suite: Suite = {
  id: 'batch',
  title: 'Batches of log lines',
  question: 'What does scanning many short records in one call cost, per record and against C++?',
  inCheck: true,
  async run(ctx) {
    const engine = await loadEngine();
    if (!engine.ok) return skipped(engine.reason);
    const db = engine.value.compile(LITERAL_SET, {}, { engine: 'hyperscan' });
    const corpus = ctx.corpora.loghub;
    const bytes = corpus.bytes;
    const rows: Row[] = [];
    const ratios: Ratio[] = [];
    const goals: Goal[] = [];
    const notes: string[] = [];
    const lines = corpus.lineEnds;
    const linesInput = `${corpus.name} ${formatBytes(bytes.length)}, ${lines.length} lines`;
    const fixed = fixedEnds(bytes.length, 200);
    const fixedInput = `${corpus.name} ${formatBytes(bytes.length)}, ${fixed.length} × 200 B`;

    const lineBatch = batchScan(db, bytes, lines);
    const fixedBatch = batchScan(db, bytes, fixed);
    const tasks: TaskSpec[] = [
      {
        contender: `lines: ${lineBatch.name}`,
        kind: 'ours',
        input: linesInput,
        bytes: bytes.length,
        fn: lineBatch.fn,
        count: () => lineBatch.fn().length / 4,
      },
      {
        contender: `200 B: ${fixedBatch.name}`,
        kind: 'ours',
        input: fixedInput,
        bytes: bytes.length,
        fn: fixedBatch.fn,
        count: () => fixedBatch.fn().length / 4,
      },
      {
        contender: '200 B: one buffer, db.scan',
        kind: 'ours',
        input: fixedInput,
        bytes: bytes.length,
        fn: () => db.scan(bytes),
        count: () => db.scan(bytes).length / 3,
      },
    ];
    const strings = lineStrings(bytes, lines);
    tasks.push({
      contender: 'lines: V8 RegExp per line',
      kind: 'js',
      input: linesInput,
      bytes: bytes.length,
      fn: () => jsScanLines(strings),
      count: () => jsScanLines(strings),
    });
    if (typeof db.scanRecords === 'function' && !ctx.quick) {
      // The array-of-Buffers path too, to show what one Buffer argument per record costs.
      const records = recordsOf(bytes, lines);
      tasks.push({
        contender: 'lines: scanBatch(records)',
        kind: 'ours',
        input: linesInput,
        bytes: bytes.length,
        fn: () => db.scanBatch(records),
        count: () => db.scanBatch(records).length / 4,
      });
    }
    rows.push(...(await measure('batch', tasks, ctx.big)));

    const batched = rowOf(rows, `200 B: ${fixedBatch.name}`);
    const whole = rowOf(rows, '200 B: one buffer, db.scan');
    // From the fastest samples, like the ratios: the difference of two noisy medians can swing
    // by more than the overhead itself on a busy machine.
    const overheadNs = ((batched.minUs - whole.minUs) * 1e3) / fixed.length;
    goals.push({
      id: 'per-record-overhead',
      text: 'per-record overhead, 200-byte records batched vs one buffer <= 150 ns',
      measured: `${overheadNs.toFixed(0)} ns/record`,
      pass: overheadNs <= 150,
    });
    ratios.push(ratioOf('batch/200B-vs-block', '200 B records batched ÷ one buffer', batched, whole));
    ratios.push(ratioOf('batch/lines-vs-js', 'lines batched ÷ V8 RegExp per line', rowOf(rows, `lines: ${lineBatch.name}`), rowOf(rows, 'lines: V8 RegExp per line')));

    const nativeLines = harnessRow(
      ctx, 'batch', db, 'literal', corpus,
      ['batch', writeInput('lines.ends', new Uint8Array(lines.buffer, lines.byteOffset, lines.byteLength))],
      'lines: C++ harness, hs_scan per record',
    );
    if (typeof nativeLines === 'string') {
      notes.push(`C++ harness: ${nativeLines}`);
    } else {
      rows.push(nativeLines);
      const nativeFixed = harnessRow(
        ctx, 'batch', db, 'literal', corpus,
        ['batch', writeInput('fixed.ends', new Uint8Array(fixed.buffer, fixed.byteOffset, fixed.byteLength))],
        '200 B: C++ harness, hs_scan per record',
      );
      if (typeof nativeFixed !== 'string') rows.push(nativeFixed);
      const ours = rowOf(rows, `lines: ${lineBatch.name}`);
      const ratio = ratioOf('batch/lines-vs-native', 'lines batched: Node ÷ C++ harness', ours, nativeLines);
      ratios.push(ratio);
      goals.push({
        id: 'batch-vs-native',
        text: 'batch scan of loghub lines through Node >= 70% of the C++ harness (literal set)',
        measured: `${(ratio.value * 100).toFixed(0)}%`,
        pass: ratio.value >= 0.7,
      });
    }
    notes.push('Pattern set: the literal-anchored set (bench/lib/patterns.ts).');
    notes.push(`Per-record overhead = (fastest batched − fastest one buffer) ÷ ${fixed.length} records.`);
    return { rows, ratios, goals, notes };
  },
};
