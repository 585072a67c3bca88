import { readFileSync } from 'node:fs';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Scrubber } from '../../lib/scrub.js';
import { createScrubStream, type ScrubStreamOptions } from '../../lib/stream/scrub-stream.js';
import { StreamError } from '../../lib/stream/errors.js';
import { scrubJsonl } from '../../lib/stream/jsonl.js';
import { chunk, chunkSizes, jsonLines, logBytes, TEST_CARDS } from './log-arbitraries.js';

const SEED_PACK = '/work/shared/packs/pci-ai-governance.yaml';
/** Property runs per test (raise with CARDVEIL_PROPERTY_RUNS for a longer search). */
const RUNS = Number(process.env['CARDVEIL_PROPERTY_RUNS'] ?? 40);
const PROPERTY_TIMEOUT_MS = 30_000 + RUNS * 5_000;
const defaultScrubber = Scrubber.create();
const seedScrubber = Scrubber.create({ pack: SEED_PACK });

/** Runs whose input was cut into more than one segment (so a vacuous property would show). */
const cutRuns = { text: 0, seed: 0, jsonl: 0 };

async function streamed(chunks: readonly Buffer[], options: ScrubStreamOptions, cuts?: keyof typeof cutRuns): Promise<Buffer> {
  const out: Buffer[] = [];
  const stream = createScrubStream(options);
  stream.on('summary', (summary: { segments: number }) => {
    if (cuts && summary.segments > 1) cutRuns[cuts]++;
  });
  await pipeline(
    Readable.from(chunks),
    stream,
    new Writable({
      write(data: Buffer, _encoding, callback) {
        out.push(data);
        callback();
      },
    }),
  );
  return Buffer.concat(out);
}

describe('createScrubStream', () => {
  it('writes the same bytes as scrubbing the whole input at once, for every chunking (default pack)', async () => {
    await fc.assert(
      fc.asyncProperty(logBytes, chunkSizes, async (input, sizes) => {
        const expected = defaultScrubber.scrubBuffer(input).output;
        const actual = await streamed(chunk(input, sizes), { scrubber: defaultScrubber, segmentBytes: 256 }, 'text');
        expect(actual.equals(expected)).toBe(true);
      }),
      { numRuns: RUNS },
    );
    expect(cutRuns.text).toBeGreaterThan(RUNS / 2);
 
  }, PROPERTY_TIMEOUT_MS);

  it('writes the same bytes as a whole-input scrub under the seed pack (DLP blocking lines)', async () => {
    await fc.assert(
      fc.asyncProperty(logBytes, chunkSizes, async (input, sizes) => {
        const expected = seedScrubber.scrubBuffer(input).output;
        const actual = await streamed(chunk(input, sizes), { scrubber: seedScrubber, segmentBytes: 256 }, 'seed');
        expect(actual.equals(expected)).toBe(true);
      }),
      { numRuns: RUNS },
    );
    expect(cutRuns.seed).toBeGreaterThan(RUNS / 2);
 
  }, PROPERTY_TIMEOUT_MS);

  it('jsonl: writes the same bytes as a whole-input JSON-lines scrub for every chunking, every JSON line still JSON', async () => {
    await fc.assert(
      fc.asyncProperty(jsonLines, chunkSizes, async (input, sizes) => {
        const expected = scrubJsonl(seedScrubber, input).output;
        const actual = await streamed(chunk(input, sizes), { scrubber: seedScrubber, format: 'jsonl', segmentBytes: 256 }, 'jsonl');
        expect(actual.equals(expected)).toBe(true);
        const inLines = input.toString().split('\n');
        const outLines = actual.toString().split('\n');
        expect(outLines).toHaveLength(inLines.length);
        inLines.forEach((line, i) => {
          if (isJson(line)) expect(isJson(outLines[i]!), outLines[i]).toBe(true);
        });
      }),
      { numRuns: RUNS },
    );
    expect(cutRuns.jsonl).toBeGreaterThan(RUNS / 2);
 
  }, PROPERTY_TIMEOUT_MS);

  it('scrubs examples/sample.log one byte at a time exactly like a whole-file scrub, with the same counts', async () => {
    const input = readFileSync('examples/sample.log');
    const whole = defaultScrubber.scrubBuffer(input);
    const stream = createScrubStream({ scrubber: defaultScrubber, segmentBytes: 256 });
    const out: Buffer[] = [];
    stream.on('data', (data: Buffer) => out.push(data));
    const summary = new Promise((resolve) => stream.on('summary', resolve));
    const ended = new Promise((resolve) => stream.on('end', resolve));
    for (let i = 0; i < input.length; i++) stream.write(input.subarray(i, i + 1));
    stream.end();
    await ended;
    const output = Buffer.concat(out);
    expect(output.equals(whole.output)).toBe(true);
    for (const pan of TEST_CARDS) expect(output.includes(pan)).toBe(false);
    expect(await summary).toMatchObject({ bytesIn: input.length, bytesOut: whole.output.length, counts: whole.counts, findings: whole.findings });
  });

  it('signals backpressure to a writer whose reader does not read, holding a bounded amount', () => {
    const stream = createScrubStream({ scrubber: defaultScrubber, segmentBytes: 64 * 1024 });
    const line = Buffer.from('2026-11-27T08:00:01.102Z INFO [main] nothing to see here, just a long enough line\n');
    const block = Buffer.concat(Array.from({ length: 800 }, () => line)); // ~64 KB
    let accepted = 0;
    while (stream.write(block)) {
      accepted += block.length;
      if (accepted > 64 * 1024 * 1024) break;
    }
    expect(accepted).toBeLessThan(1024 * 1024);
    expect(stream.heldBytes).toBeLessThanOrEqual(64 * 1024 + 4096 + block.length);
    stream.destroy();
  });

  it('fails closed with ERR_HOLDBACK_EXCEEDED on a line longer than the bound, writing nothing of it', async () => {
    const line = Buffer.concat([Buffer.alloc(3000, 0x61), Buffer.from(' 4111111111111111 '), Buffer.alloc(3000, 0x62)]);
    const out: Buffer[] = [];
    const run = pipeline(
      Readable.from(chunk(line, [1000])),
      createScrubStream({ scrubber: defaultScrubber, segmentBytes: 1024, contextBytes: 512, maxHoldbackBytes: 4096 }),
      new Writable({
        write(data: Buffer, _encoding, callback) {
          out.push(data);
          callback();
        },
      }),
    );
    await expect(run).rejects.toBeInstanceOf(StreamError);
    await expect(run).rejects.toMatchObject({ code: 'ERR_HOLDBACK_EXCEEDED' });
    expect(Buffer.concat(out).length).toBe(0);
  });

  it('keeps every JSON line valid JSON in jsonl format and scrubs values, numbers and blocked lines', async () => {
    const lines = [
      JSON.stringify({ level: 30, msg: 'paid', card: '4111 1111 1111 1111', amount: 12.5 }),
      JSON.stringify({ level: 30, msg: 'stored', pan: 5555555555554444 }),
      JSON.stringify({ level: 40, msg: 'please send the cvv spreadsheet' }),
      'not json: card 378282246310005',
      JSON.stringify({ level: 30, msg: 'clean line', n: 1 }),
    ];
    const input = Buffer.from(lines.join('\n') + '\n');
    const output = (await streamed(chunk(input, [7]), { scrubber: seedScrubber, format: 'jsonl' })).toString();
    const out = output.split('\n');
    expect(out).toHaveLength(6);
    expect(out[5]).toBe('');
    for (const i of [0, 1, 2, 4]) expect(() => JSON.parse(out[i]!)).not.toThrow();
    for (const pan of TEST_CARDS) expect(output).not.toContain(pan);
    expect(JSON.parse(out[0]!)).toMatchObject({ level: 30, msg: 'paid', amount: 12.5 });
    expect(JSON.parse(out[2]!)).toEqual({ cardveil: '[BLOCKED:dlp-filter]' });
    expect(out[3]).toMatch(/^not json: card \[REDACTED/);
    expect(out[4]).toBe(lines[4]);
  });
});

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
