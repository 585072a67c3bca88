import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import cardveilPinoTransport, { createPinoDestination } from '../../lib/integrations/pino.js';
import { Scrubber } from '../../lib/scrub.js';
import { TEST_CARDS } from '../stream/log-arbitraries.js';

const TSX = new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cardveil-pino-'));
});

function records(file: string): Record<string, unknown>[] {
  const text = readFileSync(file, 'utf8');
  for (const pan of TEST_CARDS) expect(text).not.toContain(pan);
  expect(text.endsWith('\n')).toBe(true);
  return text.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('pino integration', { timeout: 120_000 }, () => {
  it('an in-process destination writes every record scrubbed, as valid JSON lines, to a real file', async () => {
    const file = join(dir, 'destination.log');
    const destination = createPinoDestination({ destination: file, scrubber: Scrubber.create() });
    const logger = pino({ base: null, timestamp: false }, destination);
    logger.info({ card: '4111 1111 1111 1111', amount: 49.99 }, 'charge authorized');
    logger.warn('customer read out 5555-5555-5555-4444');
    logger.info({ order: 'ORDER-1' }, 'nothing sensitive');
    destination.end();
    await once(destination, 'finish');
    const lines = records(file);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ level: 30, amount: 49.99, msg: 'charge authorized' });
    expect(String(lines[0]!['card'])).toMatch(/^\[REDACTED/);
    expect(String(lines[1]!['msg'])).toMatch(/^customer read out \[REDACTED/);
    expect(lines[2]).toEqual({ level: 30, order: 'ORDER-1', msg: 'nothing sensitive' });
  });

  it('as a pipeline stage, passes each record on scrubbed and still JSON', async () => {
    const stage = await cardveilPinoTransport({ pipeline: true, scrubber: Scrubber.create() });
    const out: Buffer[] = [];
    stage.on('data', (data: Buffer) => out.push(Buffer.from(data)));
    const ended = once(stage, 'end');
    stage.write(JSON.stringify({ level: 30, msg: 'card 4111 1111 1111 1111' }) + '\n');
    stage.end(JSON.stringify({ level: 30, msg: 'ok' }) + '\n');
    await ended;
    expect(Buffer.concat(out).toString()).toBe('{"level":30,"msg":"card [REDACTED:PAN]"}\n{"level":30,"msg":"ok"}\n');
  });

  it('the transport (pino worker thread) scrubs end to end: examples/pino-transport.ts', async () => {
    const file = join(dir, 'transport.log');
    const child = spawn(process.execPath, ['--import', TSX, 'examples/pino-transport.ts', file], { stdio: 'inherit' });
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(0);
    const lines = records(file);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ level: 30, amount: 49.99, msg: 'charge authorized' });
    expect(String(lines[0]!['card'])).toMatch(/^\[REDACTED/);
    expect(String(lines[1]!['msg'])).toMatch(/^customer read out \[REDACTED.*\], (cvv )?\[REDACTED/);
    expect(lines[2]).toMatchObject({ order: 'ORDER-20261127001', msg: 'nothing sensitive here' });
  });
});
