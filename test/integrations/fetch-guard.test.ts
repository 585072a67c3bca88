import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifyTrail } from '../../lib/audit/verify.js';
import { guardedFetch, type GuardedFetch } from '../../lib/integrations/fetch.js';
import { seedPack } from '../gateway/packs.js';
import { startUpstream, type Upstream } from '../gateway/upstream.js';

let upstream: Upstream;
let other: Upstream;
let guarded: GuardedFetch;
let client: OpenAI;
let auditPath: string;

beforeAll(async () => {
  upstream = await startUpstream();
  other = await startUpstream();
  const seeded = seedPack(upstream.url);
  auditPath = seeded.auditPath;
  guarded = guardedFetch(seeded.pack);
  client = new OpenAI({ apiKey: 'sk-app', baseURL: upstream.url, maxRetries: 0, fetch: guarded });
});

afterAll(async () => {
  guarded.guard.close();
  await upstream.close();
  await other.close();
});

beforeEach(() => {
  upstream.received.length = 0;
  upstream.reply = undefined;
});

describe('guardedFetch as the openai client fetch', () => {
  it('redacts the prompt before it leaves the process', async () => {
    const answer = await client.chat.completions.create({ model: 'gpt-5.4-mini-mini', messages: [{ role: 'user', content: 'card 4111111111111111 exp 12/27' }] });
    const sent = upstream.received[0]!.body;
    expect(sent).not.toMatch(/4111|12\/27/);
    expect(upstream.received[0]!.authorization).toBe('Bearer sk-app');
    expect(answer.choices[0]!.message.content).toMatch(/^card \[REDACTED:PAN[^\]]*\] exp \[REDACTED:EXPIRY[^\]]*\]$/);
  });

  it('rewrites streamed answers', async () => {
    upstream.reply = 'on file: 5555 5555 5555 4444, ok';
    upstream.chunkSize = 3;
    let text = '';
    for await (const c of await client.chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'card?' }], stream: true })) {
      text += c.choices[0]?.delta.content ?? '';
    }
    expect(text).toMatch(/^on file: \[REDACTED:PAN[^\]]*\], ok$/);
  });

  it('refuses blocked content with a 400 the SDK raises, sending nothing', async () => {
    const error = (await client.chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'full card dump' }] }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error.code).toBe('cardveil_blocked');
    expect(upstream.received).toHaveLength(0);
  });

  it('refuses a destination the routing policy does not allow', async () => {
    const elsewhere = new OpenAI({ apiKey: 'sk-app', baseURL: other.url, maxRetries: 0, fetch: guarded });
    const error = (await elsewhere.chat.completions.create({ model: 'x', messages: [{ role: 'user', content: 'hello' }] }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(error).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(error.code).toBe('cardveil_no_compliant_provider');
    expect(other.received).toHaveLength(0);
  });

  it('audits every call and the trail verifies', async () => {
    const report = await verifyTrail(auditPath);
    expect(report).toMatchObject({ ok: true, records: 4 });
  });
});
