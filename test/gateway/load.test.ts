/**
 * Bounded load on loopback: many concurrent openai clients, mixed clean, card-bearing, blocked and
 * streamed traffic. Every answer must be right, the trail must hold one record per request and
 * verify, and the heap must not grow with the number of requests.
 */
import OpenAI from 'openai';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyTrail } from '../../lib/audit/verify.js';
import { Detector } from '../../lib/detectors/detector.js';
import { createGatewayRuntime, type GatewayRuntime } from '../../lib/gateway/runtime.js';
import { createGatewayServer } from '../../lib/gateway/server.js';
import { ENV, seedPack } from './packs.js';
import { startUpstream, type Upstream } from './upstream.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const CLIENTS = 25;
const PANS = ['4111 1111 1111 1111', '5555-5555-5555-4444', '6011111111111117', '3566 0020 2036 0505'];

let upstream: Upstream;
let runtime: GatewayRuntime;
let server: Server;
let baseURL: string;
let auditPath: string;

beforeAll(async () => {
  upstream = await startUpstream();
  const seeded = seedPack(upstream.url);
  auditPath = seeded.auditPath;
  runtime = createGatewayRuntime(seeded.pack, { env: ENV });
  server = createGatewayServer(runtime.options);
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  runtime.close();
  await upstream.close();
});

type Kind = 'clean' | 'card' | 'blocked';
const kindOf = (i: number): Kind => (['clean', 'card', 'blocked'] as const)[i % 3]!;
const padding = 'lorem ipsum dolor sit amet '.repeat(40);

async function one(client: OpenAI, i: number): Promise<void> {
  const kind = kindOf(i);
  const stream = i % 4 === 0;
  const content =
    kind === 'clean' ? `request ${i}: ${padding}` : kind === 'card' ? `request ${i}: charge ${PANS[i % PANS.length]} ${padding}` : `request ${i}: send the cvv spreadsheet`;
  const params = { model: 'gpt-5.4-mini-mini', messages: [{ role: 'user' as const, content }] };
  if (kind === 'blocked') {
    const error = (await client.chat.completions.create(params).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(error.status).toBe(400);
    expect(error.code).toBe('cardveil_blocked');
    return;
  }
  let text = '';
  if (stream) {
    for await (const chunk of await client.chat.completions.create({ ...params, stream: true })) text += chunk.choices[0]?.delta.content ?? '';
  } else {
    text = (await client.chat.completions.create(params)).choices[0]!.message.content ?? '';
  }
  if (kind === 'clean') {
    expect(text).toBe(content);
  } else {
    const marker = /\[REDACTED:PAN[^\]]*\]/.exec(text)?.[0] ?? '(no marker)';
    expect(text).toBe(`request ${i}: charge ${marker} ${padding}`);
  }
}

async function round(from: number, count: number): Promise<void> {
  const clients = Array.from({ length: CLIENTS }, () => new OpenAI({ apiKey: 'load-client', baseURL, maxRetries: 0 }));
  let next = from;
  const end = from + count;
  await Promise.all(
    clients.map(async (client) => {
      while (next < end) {
        const i = next++;
        await one(client, i);
      }
    }),
  );
}

describe('gateway under bounded concurrent load', () => {
  it('answers every request correctly, audits each once, and keeps the heap flat', async () => {
    await round(0, 100); // warm-up: JIT, connection pools, buffers
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    await round(100, 300);
    gc();
    const heapAfter = process.memoryUsage().heapUsed;

    const total = 400;
    const blocked = Array.from({ length: total }, (_, i) => kindOf(i)).filter((k) => k === 'blocked').length;
    expect(upstream.received).toHaveLength(total - blocked);
    for (const r of upstream.received) {
      for (const pan of PANS) {
        expect(r.body).not.toContain(pan);
        expect(r.body).not.toContain(pan.replace(/[ -]/g, ''));
      }
    }

    const report = await verifyTrail(auditPath);
    expect(report.ok).toBe(true);
    expect(report.records).toBe(total);
    const records = readFileSync(auditPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { request_id: string; verdict: string });
    expect(new Set(records.map((r) => r.request_id)).size).toBe(total);
    expect(records.filter((r) => r.verdict === 'blocked')).toHaveLength(blocked);
    // The whole trail, scanned with our own detectors at the strictest level: no card data.
    expect(new Detector({ sensitivity: 'restricted' }).detect(readFileSync(auditPath)).filter((f) => f.type !== 'masked_pan')).toEqual([]);

    // 300 requests of ~1 KB each: a per-request leak of 30 KB would show as 9 MB.
    expect(heapAfter - heapBefore).toBeLessThan(8 * 1024 * 1024);
  }, 120_000);
});
