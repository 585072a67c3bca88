import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import winston from 'winston';
import { describe, expect, it } from 'vitest';
import { cardveilFormat } from '../../lib/integrations/winston.js';
import { Scrubber } from '../../lib/scrub.js';
import { TEST_CARDS } from '../stream/log-arbitraries.js';

describe('winston integration', () => {
  it('scrubs message, splat arguments and nested metadata before a real File transport writes them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cardveil-winston-'));
    const file = join(dir, 'app.log');
    const transport = new winston.transports.File({ filename: file });
    const logger = winston.createLogger({
      format: winston.format.combine(winston.format.splat(), cardveilFormat({ scrubber: Scrubber.create() }), winston.format.json()),
      transports: [transport],
    });
    const meta = { card: { number: '5555555555554444', note: 'fine' }, tags: ['x', '4111-1111-1111-1111'] };
    logger.info('paid with %s', '4111 1111 1111 1111');
    logger.warn('card on file updated', meta);
    logger.info('nothing here', { order: 'ORDER-1' });
    logger.end();
    await once(transport, 'finish');

    const text = readFileSync(file, 'utf8');
    for (const pan of TEST_CARDS) expect(text).not.toContain(pan);
    const lines = text.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, any>);
    expect(lines).toHaveLength(3);
    expect(lines[0]!.message).toMatch(/^paid with \[REDACTED/);
    expect(lines[1]!.card.note).toBe('fine');
    expect(lines[1]!.card.number).toMatch(/^\[REDACTED/);
    expect(lines[1]!.tags[0]).toBe('x');
    expect(lines[2]).toEqual({ level: 'info', message: 'nothing here', order: 'ORDER-1' });
    // The caller's objects are never modified.
    expect(meta).toEqual({ card: { number: '5555555555554444', note: 'fine' }, tags: ['x', '4111-1111-1111-1111'] });
  });
});
