/**
 * Question: what latency does the gateway add to an LLM call? The same 4 KB chat request, sent
 * (a) straight to a local upstream and (b) through the cardveil gateway in front of that upstream,
 * over keep-alive loopback HTTP. Overhead = gateway p50/p99 − direct p50/p99. Goal: p99 <= 1 ms.
 *
 * The upstream is a minimal OpenAI-compatible server on 127.0.0.1 answering every
 * /v1/chat/completions with a fixed completion, so its own cost is the same in both paths.
 *
 * Two setups, each with its own direct/through pair:
 * - own processes (as deployed, and what the goal is judged on): the gateway and the upstream
 *   each run in a process of their own, the client in the bench's. The gateway process reports
 *   its CPU time and garbage collections per request, which a busy machine does not inflate the
 *   way it inflates wall time.
 * - one process: client, gateway and upstream share the bench's event loop and heap, so every
 *   scavenge (the client's garbage included) delays all three.
 */
import { Agent, request } from 'node:http';
import { loadLoghubOnce } from './lib/corpus.js';
import { startChild, startGateway, startUpstream, type ProcessStats } from './lib/gateway-server.js';
import { measure, type Row } from './lib/measure.js';
import { skipped, type Goal, type Suite } from './lib/suite.js';
import { buildPrompt } from './prompt.js';

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

/** `0.412 ms (p50 0.280 ms)` for a direct/through pair. */
function overhead(direct: Row, through: Row): { p99: number; text: string } {
  const p50 = through.p50Us - direct.p50Us;
  const p99 = through.p99Us - direct.p99Us;
  return { p99, text: `${(p99 / 1e3).toFixed(3)} ms (p50 ${(p50 / 1e3).toFixed(3)} ms)` };
}

/** The gateway process's own cost per request: CPU and garbage collections. */
function perRequest(stats: ProcessStats): string {
  const n = Math.max(1, stats.requests);
  return (
    `gateway process, per request over ${stats.requests} requests: ${(stats.cpuUs / n).toFixed(0)} µs CPU (all its threads), ` +
    `${((stats.scavenges * 1000) / n).toFixed(1)} scavenges and ${((stats.markCompacts * 1000) / n).toFixed(1)} mark-compacts per 1,000 requests, ` +
    `${((stats.gcMs * 1000) / n).toFixed(1)} µs GC pause on average`
  );
}

export const suite: Suite = {
  id: 'gateway',
  title: 'Gateway overhead',
  question: 'What latency does the gateway add to a 4 KB chat completion, against calling the upstream directly?',
  inCheck: false,
  async run(ctx) {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const running: Array<{ close(): Promise<void> }> = [];
    try {
      const ownUpstream = await startChild('upstream');
      if (!ownUpstream.ok) return skipped(ownUpstream.reason);
      running.push(ownUpstream.value);
      const ownGateway = await startChild('gateway', ownUpstream.value.url);
      if (!ownGateway.ok) return skipped(ownGateway.reason);
      running.push(ownGateway.value);
      const upstream = await startUpstream();
      running.push(upstream);
      const gateway = await startGateway(upstream.url);
      if (!gateway.ok) return skipped(gateway.reason);
      running.push(gateway.value);

      const prompt = buildPrompt(loadLoghubOnce(ctx.corpora.sourceDir), false);
      const body = JSON.stringify({ model: 'gpt-5.4-mini-mini', messages: [{ role: 'user', content: prompt }] });
      // One request each way first: a gateway that refuses the request must not be timed.
      const urls = [ownUpstream.value.url, ownGateway.value.url, upstream.url, gateway.value.url];
      const statuses = await Promise.all(urls.map((url) => post(new Agent(), url, body)));
      if (statuses.some((s) => s !== 200)) return skipped(`requests did not succeed (statuses ${statuses.join(', ')})`);

      const input = '4 KB chat request, clean';
      // Wall clock whatever --cpu-time says: the overhead is the time a client waits, and process CPU
      // time would count only this (client) process, never the gateway's.
      const timing = { ...ctx.small, clock: 'wall' as const, iterations: ctx.quick ? 200 : 2000 };
      const task = (contender: string, kind: 'js' | 'ours', url: string) => ({ contender, kind, input, bytes: null, async: true, fn: () => post(agent, url, body) });
      await ownGateway.value.reset();
      const own = await measure('gateway', [
        task('direct to upstream (own process)', 'js', ownUpstream.value.url),
        task('through cardveil gateway (own process)', 'ours', ownGateway.value.url),
      ], timing);
      const stats = await ownGateway.value.stats();
      const one = await measure('gateway', [
        task('direct to upstream (one process)', 'js', upstream.url),
        task('through cardveil gateway (one process)', 'ours', gateway.value.url),
      ], timing);
      const deployed = overhead(own[0]!, own[1]!);
      const shared = overhead(one[0]!, one[1]!);
      const goals: Goal[] = [
        { id: 'gateway-p99', text: 'gateway overhead p99 <= 1 ms (4 KB prompt, gateway in its own process)', measured: deployed.text, pass: deployed.p99 <= 1000 },
      ];
      const notes = [
        gateway.value.description,
        '"direct" is plain Node http to the same upstream (kind js = the no-cardveil path). Sequential requests, one keep-alive socket.',
        '"own process": gateway and upstream each in a process of their own (as deployed; the goal). "one process": client, gateway and upstream share the bench\'s event loop and heap.',
        `overhead, one process: ${shared.text}`,
        perRequest(stats),
      ];
      if (ctx.small.clock === 'cpu') notes.push('Timed in wall clock even with --cpu-time: process CPU time would hold only the client\'s CPU, not the gateway\'s.');
      return { rows: [...own, ...one], ratios: [], goals, notes };
    } finally {
      agent.destroy();
      for (const server of running.reverse()) await server.close();
    }
  },
};
