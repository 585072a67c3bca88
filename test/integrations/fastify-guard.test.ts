import Fastify, { type FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyTrail } from '../../lib/audit/verify.js';
import { cardveilFastify } from '../../lib/integrations/fastify.js';
import { seedPack } from '../gateway/packs.js';

let app: FastifyInstance;
let base: string;
let auditPath: string;
let handled = 0;

beforeAll(async () => {
  const seeded = seedPack('http://127.0.0.1:1/v1');
  auditPath = seeded.auditPath;
  app = Fastify();
  await app.register(cardveilFastify, { pack: seeded.pack });
  app.post('/api/chat', async (req) => {
    handled += 1;
    return { echo: (req.body as { prompt: string }).prompt };
  });
  app.get('/api/card', async () => ({ card: 'card 5555 5555 5555 4444 exp 12/27' }));
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await app.close();
});

const post = (body: unknown) => fetch(`${base}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('cardveilFastify', () => {
  it('hands the handler a redacted body (preHandler)', async () => {
    const res = await post({ prompt: 'card 378282246310005 please' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-cardveil-verdict')).toBe('redacted');
    expect(((await res.json()) as { echo: string }).echo).toMatch(/^card \[REDACTED:PAN[^\]]*\] please$/);
  });

  it('blocks in preHandler; the handler never runs', async () => {
    const before = handled;
    const res = await post({ prompt: 'here is track 2 data for you' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('cardveil_blocked');
    expect(handled).toBe(before);
  });

  it('rewrites JSON answers (onSend)', async () => {
    const res = await fetch(`${base}/api/card`);
    expect(res.headers.get('x-cardveil-verdict')).toBe('redacted');
    const text = await res.text();
    expect(text).not.toMatch(/5555|12\/27/);
    expect((JSON.parse(text) as { card: string }).card).toMatch(/^card \[REDACTED:PAN[^\]]*\] exp \[REDACTED:EXPIRY[^\]]*\]$/);
  });

  it('audits each request once (onResponse), with status and verdict', async () => {
    const report = await verifyTrail(auditPath);
    expect(report).toMatchObject({ ok: true, records: 3 });
    const records = readFileSync(auditPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.map((r) => [r.event, r.resource, r.verdict, r.status])).toEqual([
      ['fastify.request', 'POST /api/chat', 'redacted', 200],
      ['fastify.request', 'POST /api/chat', 'blocked', 400],
      ['fastify.request', 'GET /api/card', 'redacted', 200],
    ]);
  });
});
