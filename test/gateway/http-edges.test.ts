/**
 * The gateway's HTTP edges against real sockets: an upstream that stalls or dies mid-body, a
 * client that leaves mid-body, and request paths that are not exactly an endpoint.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayRuntime, type GatewayRuntime } from '../../lib/gateway/runtime.js';
import { createGatewayServer } from '../../lib/gateway/server.js';
import { ENV, seedPack } from './packs.js';

/** What the upstream does with the next request. */
type Behaviour = 'stall-mid-body' | 'die-mid-body' | 'answer';

const ANSWER = JSON.stringify({ id: 'c', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'fine' }, finish_reason: 'stop' }] });

let behaviour: Behaviour = 'answer';
const received: string[] = [];
let upstream: Server;
let gateway: Server;
let runtime: GatewayRuntime;
let auditPath: string;
let base: string;

function upstreamHandler(req: IncomingMessage, res: ServerResponse): void {
  let body = '';
  req.on('data', (c: Buffer) => (body += String(c)));
  req.on('end', () => {
    received.push(body);
    if (behaviour === 'answer') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(ANSWER);
      return;
    }
    // Headers and half the body, then nothing more (stall) or a reset (die).
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': ANSWER.length });
    res.write(ANSWER.slice(0, 20));
    if (behaviour === 'die-mid-body') setTimeout(() => res.socket?.destroy(), 20);
  });
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** Raw POST through the gateway; resolves status and parsed body. */
function post(path: string, body: string): Promise<{ status: number; body: { error?: { code: string } } }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += String(c)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as { error?: { code: string } } }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const chat = JSON.stringify({ model: 'gpt-5.4-mini-mini', messages: [{ role: 'user', content: 'hello' }] });
const records = (): Record<string, unknown>[] => readFileSync(auditPath, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(async () => {
  upstream = createServer(upstreamHandler);
  const port = await listen(upstream);
  const seeded = seedPack(`http://127.0.0.1:${port}/v1`, { timeoutMs: 200 });
  auditPath = seeded.auditPath;
  runtime = createGatewayRuntime(seeded.pack, { env: ENV });
  gateway = createGatewayServer(runtime.options);
  base = `http://127.0.0.1:${await listen(gateway)}`;
});

afterAll(async () => {
  for (const s of [gateway, upstream]) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  runtime.close();
});

describe('gateway HTTP edges', () => {
  it('answers 504 when the provider stalls after its headers (the idle timer runs while the body is read)', async () => {
    behaviour = 'stall-mid-body';
    const out = await post('/v1/chat/completions', chat);
    expect(out.status).toBe(504);
    expect(out.body.error?.code).toBe('cardveil_upstream_timeout');
    expect(records().at(-1)).toMatchObject({ status: 504, outcome: 'failure' });
  });

  it('answers 502 when the provider resets the connection mid-body, never a partial answer', async () => {
    behaviour = 'die-mid-body';
    const out = await post('/v1/chat/completions', chat);
    expect(out.status).toBe(502);
    expect(out.body.error?.code).toBe('cardveil_upstream_error');
    expect(records().at(-1)).toMatchObject({ status: 502, outcome: 'failure' });
  });

  it('forwards nothing and still records the request when the client leaves mid-body', async () => {
    behaviour = 'answer';
    const before = received.length;
    const count = records().length;
    await new Promise<void>((resolve) => {
      const req = request(`${base}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': 1000 } });
      req.on('error', () => resolve());
      req.write(chat.slice(0, 30), () => setTimeout(() => req.destroy(), 20));
    });
    for (let i = 0; i < 100 && records().length === count; i++) await new Promise((r) => setTimeout(r, 10));
    expect(records()).toHaveLength(count + 1);
    expect(records().at(-1)).toMatchObject({ outcome: 'failure', resource: 'POST /v1/chat/completions' });
    expect(received).toHaveLength(before);
  });

  it('routes a normalised path like the endpoint, and refuses inherited names', async () => {
    behaviour = 'answer';
    expect((await post('/v1/./chat/completions', chat)).status).toBe(200);
    expect((await post('/v1/chat/completions?x=1', chat)).status).toBe(200);
    for (const path of ['/toString', '/constructor', '/__proto__', '/hasOwnProperty']) {
      const out = await post(path, chat);
      expect(out.status).toBe(404);
      expect(out.body.error?.code).toBe('cardveil_not_found');
    }
    expect(records().at(-1)).toMatchObject({ resource: 'POST /v1/chat/completions', status: 200 });
  });
});
