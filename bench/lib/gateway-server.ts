/**
 * The gateway suite's two servers: the stand-in provider (a minimal OpenAI-compatible upstream
 * answering every request with a fixed completion) and cardveil's gateway in front of it, with the
 * seed pack's full chain, exactly as `cardveil serve` wires it (see chain.ts).
 *
 * Each can run in the bench's own process or in a process of its own. Deployed, the client, the
 * gateway and the provider are separate processes, so the garbage collector and the event loop
 * of one never delay another; in one process every scavenge (of the client's garbage too) and
 * every callback of the three sits on the same thread. The suite measures both setups.
 *
 * Run as a child (`fork` of this file with `--bench-child upstream|gateway`), it serves and
 * answers IPC messages: `reset` zeroes its counters, `stats` returns them (CPU time, requests,
 * scavenges), `close` stops it.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadChainRuntime } from './chain.js';
import type { Loaded } from './ours.js';

export interface RunningServer {
  readonly url: string;
  readonly description: string;
  close(): Promise<void>;
}

/** What a server in its own process reports about the requests it served since the last reset. */
export interface ProcessStats {
  readonly requests: number;
  /** CPU time of the whole process (all threads: GC helpers, the detector), µs. */
  readonly cpuUs: number;
  readonly scavenges: number;
  readonly markCompacts: number;
  /** Sum of GC pauses, ms. */
  readonly gcMs: number;
}

export interface ChildServer extends RunningServer {
  readonly pid: number;
  reset(): Promise<void>;
  stats(): Promise<ProcessStats>;
}

const COMPLETION = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created: 1_764_201_600,
  model: 'gpt-5.4-mini-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Both attempts were declined; no charge was made.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 1000, completion_tokens: 12, total_tokens: 1012 },
});

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

/** The stand-in provider: reads the body, answers with a fixed completion. */
export async function startUpstream(): Promise<RunningServer> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(COMPLETION) });
      res.end(COMPLETION);
    });
  });
  server.keepAliveTimeout = 60_000;
  return { url: await listen(server), description: 'stand-in provider', close: () => closeServer(server) };
}

/** cardveil's gateway on 127.0.0.1 (an ephemeral port) in front of `upstreamUrl`. */
export async function startGateway(upstreamUrl: string): Promise<Loaded<RunningServer>> {
  const chain = await loadChainRuntime(upstreamUrl);
  if (!chain.ok) return chain;
  const server = chain.value.createServer(chain.value.gatewayOptions);
  return {
    ok: true,
    value: {
      url: await listen(server),
      description: 'Gateway: createGatewayRuntime(seed pack) + createGatewayServer, full chain on the request and the response, audit record per request.',
      close: async () => {
        await closeServer(server);
        chain.value.close();
      },
    },
  };
}

type Reply = { readonly url: string } | { readonly error: string };

/**
 * Starts `role` in a process of its own (this file, forked, TypeScript through tsx as the bench
 * itself runs). Resolves once it listens; a gateway that cannot load is a skip reason.
 */
export async function startChild(role: 'upstream' | 'gateway', upstreamUrl = ''): Promise<Loaded<ChildServer>> {
  const child = fork(fileURLToPath(import.meta.url), ['--bench-child', role, upstreamUrl], { execArgv: ['--import', 'tsx'] });
  const first = await new Promise<Reply>((resolve) => {
    child.once('message', (m) => resolve(m as Reply));
    child.once('exit', (code) => resolve({ error: `${role} process exited (${code})` }));
  });
  if ('error' in first) {
    child.kill();
    return { ok: false, reason: first.error };
  }
  const ask = <T>(message: string): Promise<T> =>
    new Promise((resolve) => {
      child.once('message', (m) => resolve(m as T));
      child.send(message);
    });
  return {
    ok: true,
    value: {
      url: first.url,
      pid: child.pid ?? 0,
      description: `${role} in its own process`,
      reset: () => ask<void>('reset'),
      stats: () => ask<ProcessStats>('stats'),
      close: () => stopChild(child),
    },
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.send('close');
  });
}

/** The child side: serve, count, answer the parent. */
async function runChild(role: string, upstreamUrl: string): Promise<void> {
  const send = (message: unknown): void => {
    process.send?.(message);
  };
  let server: RunningServer;
  if (role === 'upstream') {
    server = await startUpstream();
  } else {
    const gateway = await startGateway(upstreamUrl);
    if (!gateway.ok) {
      send({ error: gateway.reason });
      process.exit(1);
    }
    server = gateway.value;
  }
  let requests = 0;
  let gc = { scavenges: 0, markCompacts: 0, gcMs: 0 };
  let cpu = process.cpuUsage();
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) gc.scavenges += 1;
      else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) gc.markCompacts += 1;
      gc.gcMs += entry.duration;
    }
  }).observe({ entryTypes: ['gc'] });
  // Counts requests without touching the handler: the http server's own diagnostics channel.
  const { subscribe } = await import('node:diagnostics_channel');
  subscribe('http.server.request.start', () => {
    requests += 1;
  });
  process.on('message', (message) => {
    if (message === 'reset') {
      requests = 0;
      gc = { scavenges: 0, markCompacts: 0, gcMs: 0 };
      cpu = process.cpuUsage();
      send('ok');
    } else if (message === 'stats') {
      const used = process.cpuUsage(cpu);
      send({ requests, cpuUs: used.user + used.system, ...gc } satisfies ProcessStats);
    } else if (message === 'close') {
      void server.close().then(() => process.exit(0));
    }
  });
  // A bench that dies (Ctrl-C, a crash) must not leave its servers behind.
  process.once('disconnect', () => process.exit(0));
  send({ url: server.url });
}

if (process.argv[2] === '--bench-child' && process.send !== undefined) {
  await runChild(process.argv[3] ?? '', process.argv[4] ?? '');
}
