import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Scrubber } from '../../lib/scrub.js';
import { ScrubPool } from '../../lib/workers/pool.js';
import { scrubFileParallel, scrubStreamParallel } from '../../lib/workers/scrub-file.js';

const SAMPLE = readFileSync('examples/sample.log');
let scrubber: Scrubber;
let pool: ScrubPool;
let dir: string;

beforeAll(() => {
  scrubber = Scrubber.create();
  pool = new ScrubPool(scrubber, { threads: 2 });
  dir = mkdtempSync(join(tmpdir(), 'cardveil-pool-'));
});

afterAll(async () => {
  await pool.close();
});

describe('ScrubPool', { timeout: 120_000 }, () => {
  it('scrubs on worker threads exactly like the main thread, results matched to their segments', async () => {
    // Segments of very different sizes finish out of submission order.
    const segments = Array.from({ length: 24 }, (_, i) => Buffer.concat(Array.from({ length: 1 + ((i * 7) % 40) }, () => SAMPLE)));
    const results = await Promise.all(segments.map((segment) => pool.run(segment, 'text')));
    results.forEach((result, i) => {
      const local = scrubber.scrubBuffer(segments[i]!);
      expect(result.output.equals(local.output)).toBe(true);
      expect(result.counts).toEqual(local.counts);
      expect(result.findings).toBe(local.findings);
      expect(result.verdict).toBe(local.verdict);
    });
  });

  it('never detaches the caller\'s buffer', async () => {
    const segment = Buffer.from(SAMPLE);
    await pool.run(segment, 'text');
    expect(segment.equals(SAMPLE)).toBe(true);
  });

  it('moves a transferred segment to the worker and hands its memory back with the result', async () => {
    const memory = new ArrayBuffer(SAMPLE.length + 100);
    const segment = Buffer.from(memory, 0, SAMPLE.length);
    SAMPLE.copy(segment);
    const result = await pool.run(segment, 'text', { transfer: true });
    expect(segment.length).toBe(0); // detached here while the worker had it
    expect(result.memory?.byteLength).toBe(SAMPLE.length + 100);
    expect(result.output.equals(scrubber.scrubBuffer(SAMPLE).output)).toBe(true);
    expect((await pool.run(SAMPLE, 'text')).memory).toBeUndefined(); // copied: nothing to hand back
  });

  it('fails closed when a worker cannot start: every run rejects with ERR_WORKER', async () => {
    const broken = new ScrubPool({ toWorkerData: () => ({ pack: { not: 'a pack' }, database: new Uint8Array(4), engine: 'javascript' }) }, { threads: 1 });
    await expect(broken.run(SAMPLE, 'text')).rejects.toMatchObject({ code: 'ERR_WORKER' });
    await expect(broken.run(SAMPLE, 'text')).rejects.toMatchObject({ code: 'ERR_WORKER' });
    await broken.close();
  });

  it('starts its workers before the scrubber exists: runs wait until `load` hands it over', async () => {
    const early = new ScrubPool(null, { threads: 1 });
    try {
      expect(early.hasRoom()).toBe(false); // not loaded: nothing can start yet
      const pending = early.run(SAMPLE, 'text');
      early.load(scrubber);
      expect(() => early.load(scrubber)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
      expect((await pending).output.equals(scrubber.scrubBuffer(SAMPLE).output)).toBe(true);
      expect(early.hasRoom()).toBe(true); // ready and idle
    } finally {
      await early.close();
    }
    expect(() => early.hasRoom()).toThrow(expect.objectContaining({ code: 'ERR_POOL_CLOSED' }));
  });

  it('never reports room in a broken pool: hasRoom throws its ERR_WORKER failure', async () => {
    const broken = new ScrubPool({ toWorkerData: () => ({ pack: { not: 'a pack' }, database: new Uint8Array(4), engine: 'javascript' }) }, { threads: 1 });
    await expect(broken.run(SAMPLE, 'text')).rejects.toMatchObject({ code: 'ERR_WORKER' });
    expect(() => broken.hasRoom()).toThrow(expect.objectContaining({ code: 'ERR_WORKER' }));
    await broken.close();
  });

  it('rejects runs after close with ERR_POOL_CLOSED and a bad thread count with ERR_INVALID_ARGUMENT', async () => {
    const small = new ScrubPool(scrubber, { threads: 1 });
    await small.close();
    await expect(small.run(SAMPLE, 'text')).rejects.toMatchObject({ code: 'ERR_POOL_CLOSED' });
    expect(() => new ScrubPool(scrubber, { threads: 0 })).toThrow('Expected positive integer for threads but received 0');
  });
});

describe('scrubFileParallel / scrubStreamParallel', () => {
  it('writes a multi-segment file in input order, equal to a whole-file scrub', async () => {
    const input = join(dir, 'big.log');
    const content = Buffer.concat(Array.from({ length: 300 }, (_, i) => Buffer.concat([Buffer.from(`--- block ${i} ---\n`), SAMPLE])));
    writeFileSync(input, content);
    const output = join(dir, 'big.clean.log');
    const result = await scrubFileParallel(input, output, { scrubber, pool, segmentBytes: 64 * 1024, readBytes: 50_000 });
    const whole = scrubber.scrubBuffer(content);
    expect(readFileSync(output).equals(whole.output)).toBe(true);
    expect(result).toMatchObject({ gzip: false, bytesIn: content.length, bytesOut: whole.output.length, findings: whole.findings, counts: whole.counts });
  });

  it('with shareMainThread, scrubs every segment on the calling thread while no worker is ready, and fails when the pool does', async () => {
    const content = Buffer.concat(Array.from({ length: 40 }, (_, i) => Buffer.concat([Buffer.from(`--- block ${i} ---\n`), SAMPLE])));
    const input = join(dir, 'share.log');
    writeFileSync(input, content);
    const idle = new ScrubPool(null, { threads: 1 }); // never loaded: it never has room
    try {
      const output = join(dir, 'share.clean.log');
      await scrubFileParallel(input, output, { scrubber, pool: idle, shareMainThread: true, segmentBytes: 16 * 1024 });
      expect(readFileSync(output).equals(scrubber.scrubBuffer(content).output)).toBe(true);
    } finally {
      await idle.close();
    }
    const broken = new ScrubPool({ toWorkerData: () => ({ pack: { not: 'a pack' }, database: new Uint8Array(4), engine: 'javascript' }) }, { threads: 1 });
    await expect(broken.run(SAMPLE, 'text')).rejects.toMatchObject({ code: 'ERR_WORKER' });
    const target = join(dir, 'share.broken.log');
    await expect(scrubFileParallel(input, target, { scrubber, pool: broken, shareMainThread: true, segmentBytes: 16 * 1024 })).rejects.toMatchObject({ code: 'ERR_WORKER' });
    expect(existsSync(target)).toBe(false);
    await broken.close();
  });

  it('with shareMainThread and a ready worker, splits segments between the worker and the calling thread and keeps input order', async () => {
    const content = Buffer.concat(Array.from({ length: 200 }, (_, i) => Buffer.concat([Buffer.from(`--- block ${i} ---\n`), SAMPLE])));
    const input = join(dir, 'mixed.log');
    writeFileSync(input, content);
    await pool.run(SAMPLE, 'text'); // the shared pool's workers are ready
    const output = join(dir, 'mixed.clean.log');
    const result = await scrubFileParallel(input, output, { scrubber, pool, shareMainThread: true, segmentBytes: 16 * 1024 });
    const whole = scrubber.scrubBuffer(content);
    expect(readFileSync(output).equals(whole.output)).toBe(true);
    expect(result).toMatchObject({ bytesIn: content.length, bytesOut: whole.output.length, findings: whole.findings, counts: whole.counts });
  });

  it('gives the same bytes inline (threads: 1) as on the pool', async () => {
    const content = Buffer.concat(Array.from({ length: 50 }, () => SAMPLE));
    const collect = async (options: Parameters<typeof scrubStreamParallel>[2]): Promise<Buffer> => {
      const parts: Buffer[] = [];
      const sink = new Writable({
        write(data: Buffer, _e, callback) {
          parts.push(data);
          callback();
        },
      });
      async function* source(): AsyncGenerator<Buffer> {
        for (let i = 0; i < content.length; i += 10_000) yield content.subarray(i, i + 10_000);
      }
      await scrubStreamParallel(source(), sink, options);
      return Buffer.concat(parts);
    };
    const inline = await collect({ scrubber, threads: 1, segmentBytes: 8192 });
    const pooled = await collect({ scrubber, pool, segmentBytes: 8192 });
    expect(inline.equals(pooled)).toBe(true);
    expect(inline.equals(scrubber.scrubBuffer(content).output)).toBe(true);
  });
});
