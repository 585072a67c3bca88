// A database compiled once on the main thread, serialized, and deserialized (not compiled) in
// several real worker threads that scan concurrently.
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { compile } from '../../lib/engine/index.js';

interface Reply {
  engine: string;
  sync: number[][];
  async: number[][];
}

describe('native databases in worker threads', () => {
  it('scan the same as the main thread from serialized bytes, concurrently', async () => {
    const db = compile(
      [
        { id: 1, expression: 'cvv2?', flags: { caseless: true, leftmostStart: true } },
        { id: 2, expression: '%B[0-9]{12,19}\\^' },
      ],
      { cardWindows: { id: 900, ranges: [{ from: '4', to: '4', lengths: [16] }, { from: '51', to: '55', lengths: [16] }] } },
      { engine: 'hyperscan' },
    );
    const bytes = db.serialize();
    const inputs = Array.from({ length: 200 }, (_, i) =>
      i % 2 === 0
        ? `line ${i} CVV2=${i} é %B4111111111111111^DOE 5555 5555 5555 4444`
        : Buffer.from(`${'x'.repeat(i)} cvv 4111-1111-1111-1111 😀`),
    );
    const expected = inputs.map((input) => Array.from(db.scan(input)));
    const workers = Array.from(
      { length: 3 },
      () =>
        new Worker(new URL('./fixtures/worker-entry.mjs', import.meta.url), {
          workerData: { entry: new URL('./scan-worker.ts', new URL('./fixtures/', import.meta.url)).href, bytes },
        }),
    );
    try {
      const replies = await Promise.all(
        workers.map(async (worker) => {
          const reply = once(worker, 'message');
          worker.postMessage(inputs);
          return ((await reply) as [Reply])[0];
        }),
      );
      for (const reply of replies) {
        expect(reply.engine).toBe('hyperscan');
        expect(reply.sync).toEqual(expected);
        expect(reply.async).toEqual(expected);
      }
      expect(expected[0]).toEqual([1, 7, 10, 1, 7, 11, 900, 18, 34, 2, -1, 35, 900, 39, 58]);
    } finally {
      await Promise.all(workers.map((worker) => worker.terminate()));
    }
  });
});
