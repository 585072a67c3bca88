import OpenAI from 'openai';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifyTrail } from '../../lib/audit/verify.js';
import { Detector } from '../../lib/detectors/detector.js';
import { createGatewayRuntime, type GatewayRuntime } from '../../lib/gateway/runtime.js';
import { createGatewayServer } from '../../lib/gateway/server.js';
import { PolicyEngine } from '../../lib/policy/engine.js';
import { Router } from '../../lib/routing/router.js';
import { ENV, UPSTREAM_KEY, seedPack } from './packs.js';
import { startUpstream, type Upstream } from './upstream.js';

const PANS = ['4111111111111111', '5555555555554444', '378282246310005', '6011111111111117'];
const CARD_DATA = /4111|5555 ?5555|3782|6011|cvv: ?\d|12\/27|;\d{13}/i;

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

const closeServer = (server: Server): Promise<void> =>
  new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

let upstream: Upstream;
let runtime: GatewayRuntime;
let server: Server;
let client: OpenAI;
let auditPath: string;

beforeAll(async () => {
  upstream = await startUpstream();
  const seeded = seedPack(upstream.url);
  auditPath = seeded.auditPath;
  runtime = createGatewayRuntime(seeded.pack, { env: ENV });
  server = createGatewayServer(runtime.options);
  client = new OpenAI({ apiKey: 'client-key-1', baseURL: await listen(server), maxRetries: 0 });
});

afterAll(async () => {
  await closeServer(server);
  runtime.close();
  await upstream.close();
});

beforeEach(() => {
  upstream.received.length = 0;
  upstream.reply = undefined;
  upstream.chunkSize = 4;
});

describe('POST /v1/chat/completions through the openai client', () => {
  it('redacts a PAN, CVV and expiry before the provider sees them, and says so in a header', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'gpt-5.4-mini-mini', messages: [{ role: 'user', content: 'card 4111 1111 1111 1111 exp 12/27 cvv: 123 please summarise' }] })
      .withResponse();
    expect(upstream.received).toHaveLength(1);
    const sent = upstream.received[0]!;
    expect(sent.path).toBe('/v1/chat/completions');
    expect(sent.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
    expect(sent.body).not.toMatch(CARD_DATA);
    const forwarded = JSON.parse(sent.body) as { messages: { content: string }[]; model: string };
    expect(forwarded.model).toBe('gpt-5.4-mini-mini');
    expect(forwarded.messages[0]!.content).toMatch(/^card \[REDACTED:PAN[^\]]*\] exp \[REDACTED:EXPIRY[^\]]*\] cvv: \[REDACTED:CVV[^\]]*\] please summarise$/);
    expect(response.headers.get('x-cardveil-verdict')).toBe('redacted');
    expect(response.headers.get('x-cardveil-target')).toBe('pci-zdr');
    expect(data.choices[0]!.message.content).toBe(forwarded.messages[0]!.content);
  });

  it('forwards multi-byte UTF-8 text intact: the upstream body is measured in bytes, not characters', async () => {
    // 2-, 3- and 4-byte characters, ~150 KB on the wire: several TCP reads on both hops.
    const content = 'Zahlung fehlgeschlagen, Grüße — 支払い失敗 🙂 '.repeat(3000);
    const { data, response } = await client.chat.completions.create({ model: 'gpt-5.4-mini-mini', messages: [{ role: 'user', content }] }).withResponse();
    expect(response.status).toBe(200);
    expect(response.headers.get('x-cardveil-verdict')).toBe('allowed');
    const forwarded = JSON.parse(upstream.received[0]!.body) as { messages: { content: string }[] };
    expect(forwarded.messages[0]!.content).toBe(content);
    expect(data.choices[0]!.message.content).toBe(content);
  });

  it('passes clean text unchanged', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'gpt-5.4-mini-mini', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'What is the capital of France?' }] })
      .withResponse();
    expect(response.headers.get('x-cardveil-verdict')).toBe('allowed');
    expect(JSON.parse(upstream.received[0]!.body)).toMatchObject({ messages: [{ content: 'be brief' }, { content: 'What is the capital of France?' }] });
    expect(data.choices[0]!.message.content).toBe('What is the capital of France?');
  });

  it('checks content parts, tool arguments and metadata, not just message strings', async () => {
    await client.chat.completions.create({
      model: 'gpt-5.4-mini-mini',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'pay with 5555 5555 5555 4444' }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 't1', type: 'function', function: { name: 'charge', arguments: '{"pan":"378282246310005"}' } }] },
        { role: 'tool', tool_call_id: 't1', content: 'charged 6011111111111117' },
      ],
      metadata: { note: 'card 4111111111111111' },
      user: '4111-1111-1111-1111',
    });
    const body = upstream.received[0]!.body;
    for (const pan of PANS) expect(body).not.toContain(pan);
    expect(body).not.toContain('5555 5555 5555 4444');
  });

  it('blocks a blocked term (and its fuzzy variant) with 400 cardveil_blocked; nothing is forwarded', async () => {
    for (const content of ['attach the full card dump', 'attach the full card dumq']) {
      const error = await client.chat.completions.create({ model: 'gpt-5.4-mini-mini', messages: [{ role: 'user', content }] }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      const e = error as InstanceType<typeof OpenAI.BadRequestError>;
      expect(e.status).toBe(400);
      expect(e.code).toBe('cardveil_blocked');
      expect(e.type).toBe('invalid_request_error');
      expect(e.message).toBe('400 request blocked by policy (dlp-filter:dlp_blocked)');
      expect(e.headers?.get('x-cardveil-verdict')).toBe('blocked');
    }
    expect(upstream.received).toHaveLength(0);
  });

  it('blocks track data (the seed DLP pattern blocks it) without echoing it', async () => {
    const error = (await client.chat.completions
      .create({ model: 'x', messages: [{ role: 'user', content: 'swipe ;4111111111111111=25121010000000000?' }] })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(error.status).toBe(400);
    expect(JSON.stringify(error.error)).not.toMatch(/4111/);
    expect(upstream.received).toHaveLength(0);
  });

  it("redacts card data in the provider's answer", async () => {
    upstream.reply = 'Sure: the card on file is 4111-1111-1111-1111.';
    const { data, response } = await client.chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'which card?' }] }).withResponse();
    expect(data.choices[0]!.message.content).toMatch(/^Sure: the card on file is \[REDACTED:PAN[^\]]*\]\.$/);
    expect(response.headers.get('x-cardveil-verdict')).toBe('redacted');
  });

  it("answers 422 cardveil_response_blocked when the answer holds a blocked term", async () => {
    upstream.reply = 'here is the cvv spreadsheet you asked for';
    const error = (await client.chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(error).toBeInstanceOf(OpenAI.UnprocessableEntityError);
    expect(error.code).toBe('cardveil_response_blocked');
    expect(error.message).not.toContain('spreadsheet');
  });
});

describe('streaming chat completions', () => {
  it('redacts a PAN split across many SSE chunks; the client never sees its digits', async () => {
    upstream.reply = 'Your card 4111 1111 1111 1111 was charged. Thanks!';
    for (const size of [1, 2, 3, 5, 7]) {
      upstream.chunkSize = size;
      const stream = await client.chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'status?' }], stream: true });
      let text = '';
      let chunks = 0;
      for await (const chunk of stream) {
        const piece = chunk.choices[0]?.delta.content ?? '';
        // Only the marker's own last four may appear: no raw digit ever reaches the client.
        expect(piece.replace(/\[REDACTED:[^\]]*\]/g, '')).not.toMatch(/\d/);
        text += piece;
        chunks += 1;
      }
      expect(text).toMatch(/^Your card \[REDACTED:PAN[^\]]*\] was charged\. Thanks!$/);
      expect(chunks).toBeGreaterThan(3);
    }
  });

  it('streams clean text unchanged, and releases words before the stream ends', async () => {
    upstream.reply = 'The quick brown fox jumps over the lazy dog.';
    upstream.chunkSize = 2;
    const stream = await client.chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'go' }], stream: true });
    const pieces: string[] = [];
    for await (const chunk of stream) pieces.push(chunk.choices[0]?.delta.content ?? '');
    expect(pieces.join('')).toBe('The quick brown fox jumps over the lazy dog.');
    // Released word by word, not all at the end.
    expect(pieces.filter((p) => p !== '').length).toBeGreaterThan(5);
  });

  it('ends the stream with an error event when the answer turns into blocked content', async () => {
    upstream.reply = 'Attaching the full card dump now, line by line';
    upstream.chunkSize = 3;
    const stream = await client.chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'go' }], stream: true });
    let text = '';
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as Error).message).toContain('the provider\'s response was blocked by policy (dlp-filter:dlp_blocked)');
    expect(text).not.toContain('dump');
  });
});

describe('POST /v1/embeddings', () => {
  it('redacts every input string', async () => {
    const result = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['order for 4111111111111111', 'nothing here'] });
    expect(result.data).toHaveLength(2);
    const sent = JSON.parse(upstream.received[0]!.body) as { input: string[] };
    expect(sent.input[0]).toMatch(/^order for \[REDACTED:PAN[^\]]*\]$/);
    expect(sent.input[1]).toBe('nothing here');
  });
});

describe('GET /v1/models', () => {
  it('lists the targets a request can reach', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => [m.id, m.owned_by])).toEqual([['gpt-5.4-mini-mini', 'openai']]);
  });
});

describe('errors', () => {
  it('refuses bad JSON and unknown paths with OpenAI-style bodies', async () => {
    const base = client.baseURL;
    const bad = await fetch(`${base}/chat/completions`, { method: 'POST', body: '{not json' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: { message: 'request body is not valid JSON', type: 'invalid_request_error', param: null, code: 'cardveil_invalid_request' } });
    const missing = await fetch(`${base}/nope`, { method: 'POST', body: '{}' });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('cardveil_not_found');
    const get = await fetch(`${base}/chat/completions`);
    expect(get.status).toBe(405);
  });

  it('answers 403 cardveil_no_compliant_provider when the target is not local (the seed pack as written)', async () => {
    const seeded = seedPack(upstream.url);
    delete (seeded.pack as { providers: { targets: Record<string, unknown>[] } }).providers.targets[0]!.base_url;
    const rt = createGatewayRuntime(seeded.pack, { env: ENV });
    const srv = createGatewayServer(rt.options);
    const c = new OpenAI({ apiKey: 'k', baseURL: await listen(srv), maxRetries: 0 });
    const error = (await c.chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'hello' }] }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(error).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(error.code).toBe('cardveil_no_compliant_provider');
    expect(error.message).toBe('403 no provider target meets the data-routing policy (pci-zdr: base_url_not_local)');
    expect(upstream.received).toHaveLength(0);
    await closeServer(srv);
    rt.close();
    const record = JSON.parse(readFileSync(seeded.auditPath, 'utf8').trim()) as Record<string, unknown>;
    expect(record).toMatchObject({ verdict: 'blocked', outcome: 'failure', status: 403, routing: { outcome: 'blocked', target: null, rejected: [{ id: 'pci-zdr', reasons: ['base_url_not_local'] }] } });
  });

  it('answers 502 when the provider is down and 504 when it is too slow', async () => {
    const down = seedPack('http://127.0.0.1:9/v1');
    const rtDown = createGatewayRuntime(down.pack, { env: ENV });
    const srvDown = createGatewayServer(rtDown.options);
    const cDown = new OpenAI({ apiKey: 'k', baseURL: await listen(srvDown), maxRetries: 0 });
    const e502 = (await cDown.chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(e502.status).toBe(502);
    expect(e502.code).toBe('cardveil_upstream_error');
    await closeServer(srvDown);
    rtDown.close();

    const slow = seedPack(upstream.url, { timeoutMs: 50 });
    const rtSlow = createGatewayRuntime(slow.pack, { env: ENV });
    const srvSlow = createGatewayServer(rtSlow.options);
    const cSlow = new OpenAI({ apiKey: 'k', baseURL: await listen(srvSlow), maxRetries: 0 });
    upstream.delayMs = 1000;
    const e504 = (await cSlow.chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    upstream.delayMs = 0;
    expect(e504.status).toBe(504);
    expect(e504.code).toBe('cardveil_upstream_timeout');
    expect(e504.message).toBe('504 provider did not answer within 50 ms');
    await closeServer(srvSlow);
    rtSlow.close();
  });

  it('blocks and forwards nothing when a chain link fails (fail closed)', async () => {
    const seeded = seedPack(upstream.url);
    // A routing link that throws: a real ChainLink, failing as a broken implementation would.
    const engine = new PolicyEngine(seeded.pack, {
      links: { 'data-routing-policy': { name: 'data-routing-policy', appliesWhen: 'provider-call', evaluate: () => { throw new Error('boom 4111111111111111'); } } },
    });
    const router = new Router(engine.pack.providers.targets, engine.pack.policy['data-routing-policy']!);
    const srv = createGatewayServer({ evaluate: (t, c) => engine.evaluate(t, c), identity: engine.identity, router, apiKeys: new Map() });
    const c = new OpenAI({ apiKey: 'k', baseURL: await listen(srv), maxRetries: 0 });
    const error = (await c.chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'hello' }] }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(error.status).toBe(500);
    expect(error.code).toBe('cardveil_detection_failed');
    expect(error.message).toBe('500 detection failed; the request was withheld (data-routing-policy:link_failed)');
    expect(upstream.received).toHaveLength(0);
    await closeServer(srv);
    engine.close();
  });
});

describe('audit trail of the gateway', () => {
  it('holds one record per request, verifies, and contains no card data', async () => {
    const before = (await verifyTrail(auditPath)).records;
    await client.chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'card 4111111111111111 cvv 123' }] });
    await client.chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'full card dump' }] }).catch(() => undefined);
    const report = await verifyTrail(auditPath);
    expect(report.ok).toBe(true);
    expect(report.records).toBe(before + 2);
    const lines = readFileSync(auditPath, 'utf8').trim().split('\n');
    const [redacted, blocked] = lines.slice(-2).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(redacted).toMatchObject({
      event: 'gateway.request',
      actor: expect.stringMatching(/^key:[0-9a-f]{8}$/),
      source: '127.0.0.1',
      resource: 'POST /v1/chat/completions',
      outcome: 'success',
      verdict: 'redacted',
      status: 200,
      pack: { name: 'pci-ai-governance', version: '1.0.0' },
      routing: { outcome: 'selected', target: 'pci-zdr', rejected: [] },
    });
    expect(redacted!.finding_types).toEqual(expect.arrayContaining(['pan']));
    expect(blocked).toMatchObject({ verdict: 'blocked', outcome: 'failure', status: 400 });
    const detector = new Detector({ sensitivity: 'restricted' });
    const trail = readFileSync(auditPath, 'utf8');
    expect(detector.detect(trail).filter((f) => f.type !== 'masked_pan')).toEqual([]);
  });
});
