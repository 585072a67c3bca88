import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { corpusDir, loadLoghubOnce, lineEndsOf, plantCards } from '../../bench/lib/corpus.js';
import { buildHarness, runHarness, writeInput } from '../../bench/lib/harness.js';
import { loadBuiltinPatterns, loadEngine } from '../../bench/lib/ours.js';
import { LITERAL_SET } from '../../bench/lib/patterns.js';

// The C++ ceiling must do the same work as the addon, or the Node-vs-C++ ratios mean nothing:
// these tests hold it to identical match counts on the same database and bytes.
const engine = await loadEngine();
const harness = buildHarness();
const why = !engine.ok ? engine.reason : !harness.ok ? harness.reason : undefined;
// In CI the harness must build and run (the gate depends on it); locally it may be missing.
const run = why && !process.env.CI ? it.skip : it;

describe(`C++ reference harness${why && !process.env.CI ? ` (skipped: ${why.split('\n')[0]})` : ''}`, () => {
  const base = loadLoghubOnce(corpusDir()).subarray(0, 400_000);
  const bytes = plantCards(base.subarray(0, base.lastIndexOf(0x0a) + 1), 2048, 3).bytes;
  const ends = lineEndsOf(bytes);
  const dir = mkdtempSync(join(tmpdir(), 'cardveil-harness-'));
  const input = (name: string, data: Uint8Array): string => writeInput(name, data, dir);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  run('builds', () => {
    expect(why).toBeUndefined();
  });

  run('reports the same matches as db.scan, scanRecords and openStream on the built-in set', async () => {
    if (!engine.ok || !harness.ok) throw new Error(why);
    const builtins = await loadBuiltinPatterns();
    if (!builtins.ok) throw new Error(builtins.reason);
    const db = engine.value.compile(builtins.value.patterns, { cardWindows: builtins.value.cardWindows }, { engine: 'hyperscan' });
    const dbFile = input('test-builtin.db', db.serialize());
    const corpusFile = input('test.corpus', bytes);
    const endsFile = input('test.ends', new Uint8Array(ends.buffer, ends.byteOffset, ends.byteLength));

    const block = runHarness(harness.binary, dbFile, corpusFile, ['block', '1']);
    expect(block.mode).toBe('block');
    expect(block.bytes).toBe(bytes.length);
    expect(block.matches).toBe(db.scan(bytes).length / 3);
    expect(block.matches).toBeGreaterThan(0);

    const batch = runHarness(harness.binary, dbFile, corpusFile, ['batch', endsFile, '1']);
    expect(batch.records).toBe(ends.length);
    const quads = db.scanRecords ? db.scanRecords(bytes, ends) : db.scanBatch(Array.from(ends, (end, k) => bytes.subarray(k === 0 ? 0 : ends[k - 1], end)));
    expect(batch.matches).toBe(quads.length / 4);

    const stream = runHarness(harness.binary, dbFile, corpusFile, ['stream', '65536', '1']);
    const s = db.openStream();
    let streamed = 0;
    for (let at = 0; at < bytes.length; at += 65536) streamed += s.write(bytes.subarray(at, at + 65536)).length / 3;
    streamed += s.close().length / 3;
    expect(stream.matches).toBe(streamed);
  });

  run('agrees on the literal set too', () => {
    if (!engine.ok || !harness.ok) throw new Error(why);
    const db = engine.value.compile(LITERAL_SET, {}, { engine: 'hyperscan' });
    const result = runHarness(harness.binary, input('test-literal.db', db.serialize()), input('test.corpus', bytes), ['block', '1']);
    expect(result.matches).toBe(db.scan(bytes).length / 3);
  });

  run('refuses a file that is not a serialized database, naming the engine error code', () => {
    if (!harness.ok) throw new Error(why);
    const garbage = input('test-garbage.db', Buffer.from('not a database'));
    const out = spawnSync(harness.binary, [garbage, garbage, 'block', '1'], { encoding: 'utf8' });
    expect(out.status).toBe(1);
    expect(out.stderr).toMatch(/^harness: ERR_DESERIALIZE: /);
  });

  run('prints usage and exits 2 on a bad mode', () => {
    if (!harness.ok) throw new Error(why);
    const out = spawnSync(harness.binary, ['a', 'b', 'sideways'], { encoding: 'utf8' });
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('usage: harness DB CORPUS block');
  });
});
