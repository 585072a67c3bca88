/**
 * Question: what latency does the gateway add to an LLM call? The same 4 KB chat request, sent
 * (a) straight to a local upstream and (b) through the cardveil gateway in front of that upstream,
 * over keep-alive loopback HTTP. Overhead = gateway p50/p99 − direct p50/p99. Goal: p99 <= 1 ms.
 *
 * The upstream is a minimal OpenAI-compatible server on 127.0.0.1 answering every
 * /v1/chat/completions with a fixed completion, so its own cost is the same in both paths.
 */
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadLoghubOnce } from './lib/corpus.js';
import { startGateway } from './lib/gateway-server.js';
import { measure, type Row } from './lib/measure.js';
import { skipped, type Goal, type Suite } from './lib/suite.js';
import { buildPrompt } from './prompt.js';

const COMPLETION = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1_764_201_600,
  model: 'gpt-5.4-mini-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Both attempts were declined; no charge was made.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 1000, completion_tokens: 12, total_tokens: 1012 },
});

/** The stand-in provider: reads the body, answers with a fixed completion. */
async function startUpstream(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(COMPLETION) });
      res.end(COMPLETION);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** POSTs `body` to `url`/v1/chat/completions over a keep-alive agent; resolves the status. */
function post(agent: Agent, url: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/v1/chat/completions`,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: 'Bearer bench' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

export const suite: Suite = {
  id: 'gateway',
  title: 'Gateway overhead',
  question: 'What latency does the gateway add to a 4 KB chat completion, against calling the upstream directly?',
  inCheck: false,
  async run(ctx) {
    const upstream = await startUpstream();
    const gateway = await startGateway(upstream.url);
    if (!gateway.ok) {
      await close(upstream.server);
      return skipped(gateway.reason);
    }
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const prompt = buildPrompt(loadLoghubOnce(ctx.corpora.sourceDir), false);
    const body = JSON.stringify({ model: 'gpt-5.4-mini-mini', messages: [{ role: 'user', content: prompt }] });
    const notes: string[] = [gateway.value.description];
    try {
      // One request each way first: a gateway that refuses the request must not be timed.
      const statuses = [await post(agent, upstream.url, body), await post(agent, gateway.value.url, body)];
      if (statuses.some((s) => s !== 200)) return skipped(`requests did not succeed (direct ${statuses[0]}, gateway ${statuses[1]})`);
      const input = '4 KB chat request, clean';
      const timing = { ...ctx.small, iterations: ctx.quick ? 200 : 2000 };
      const rows: Row[] = await measure('gateway', [
        { contender: 'direct to upstream', kind: 'js', input, bytes: null, async: true, fn: () => post(agent, upstream.url, body) },
        { contender: 'through cardveil gateway', kind: 'ours', input, bytes: null, async: true, fn: () => post(agent, gateway.value.url, body) },
      ], timing);
      const [direct, through] = [rows[0]!, rows[1]!];
      const p50 = through.p50Us - direct.p50Us;
      const p99 = through.p99Us - direct.p99Us;
      const goals: Goal[] = [
        { id: 'gateway-p99', text: 'gateway overhead p99 <= 1 ms (4 KB prompt)', measured: `${(p99 / 1e3).toFixed(3)} ms (p50 ${(p50 / 1e3).toFixed(3)} ms)`, pass: p99 <= 1000 },
      ];
      notes.push('"direct" is plain Node http to the same upstream (kind js = the no-cardveil path). Sequential requests, one keep-alive socket.');
      return { rows, ratios: [], goals, notes };
    } finally {
      agent.destroy();
      await gateway.value.close();
      await close(upstream.server);
    }
  },
};
