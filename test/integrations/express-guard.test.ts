import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyTrail } from '../../lib/audit/verify.js';
import { cardveilExpress, type CardveilMiddleware } from '../../lib/integrations/express.js';
import { seedPack } from '../gateway/packs.js';

let server: Server;
let base: string;
let auditPath: string;
let middleware: CardveilMiddleware;
const seen: unknown[] = [];

beforeAll(async () => {
  const seeded = seedPack('http://127.0.0.1:1/v1');
  auditPath = seeded.auditPath;
  middleware = cardveilExpress(seeded.pack);
  const app = express();
  app.use(express.json());
  app.use(express.raw({ type: 'application/octet-stream' }));
  app.use(middleware);
  app.post('/api/raw', (req, res) => {
    res.type('text/plain').send(Buffer.isBuffer(req.body) ? req.body.toString('utf8') : 'not a buffer');
  });
  app.post('/api/chat', (req, res) => {
    seen.push(req.body);
    res.json({ echo: (req.body as { prompt: string }).prompt });
  });
  app.get('/api/card', (_req, res) => {
    res.json({ card: 'on file: 6011 1111 1111 1117', ok: true });
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  middleware.guard.close();
});

const post = (body: unknown) => fetch(`${base}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('cardveilExpress', () => {
  it('hands the route a redacted body', async () => {
    const res = await post({ prompt: 'refund card 4111 1111 1111 1111 cvv: 123' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-cardveil-verdict')).toBe('redacted');
    const body = (await res.json()) as { echo: string };
    expect(body.echo).toMatch(/^refund card \[REDACTED:PAN[^\]]*\] cvv: \[REDACTED:CVV[^\]]*\]$/);
    expect(JSON.stringify(seen.at(-1))).not.toMatch(/4111|123/);
  });

  it('blocks before the route runs, with the OpenAI-style error', async () => {
    const before = seen.length;
    const res = await post({ prompt: 'export the cvv spreadsheet' });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-cardveil-verdict')).toBe('blocked');
    expect(await res.json()).toEqual({
      error: { message: 'request blocked by policy (dlp-filter:dlp_blocked)', type: 'invalid_request_error', param: null, code: 'cardveil_blocked' },
    });
    expect(seen.length).toBe(before);
  });

  it('redacts JSON answers', async () => {
    const res = await fetch(`${base}/api/card`);
    expect(res.headers.get('x-cardveil-verdict')).toBe('redacted');
    const body = (await res.json()) as { card: string; ok: boolean };
    expect(body.card).toMatch(/^on file: \[REDACTED:PAN[^\]]*\]$/);
    expect(body.ok).toBe(true);
  });

  it('checks raw byte bodies as text', async () => {
    const res = await fetch(`${base}/api/raw`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: 'pan 5555555555554444' });
    expect(await res.text()).toMatch(/^pan \[REDACTED:PAN[^\]]*\]$/);
  });

  it('audits one record per request and the trail verifies', async () => {
    const report = await verifyTrail(auditPath);
    expect(report.ok).toBe(true);
    expect(report.records).toBe(4);
  });
});
