/**
 * A real OpenAI-shaped upstream on 127.0.0.1 that records everything it receives. It answers
 * chat completions with `reply` (default: echoes the last user message), as one JSON body or as
 * SSE chunks of `chunkSize` characters, and embeddings with fixed vectors.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  readonly path: string;
  readonly authorization: string | undefined;
  readonly body: string;
}

export interface Upstream {
  readonly url: string;
  readonly received: Received[];
  /** Text of the next answers; undefined: echo the last user message. */
  reply: string | undefined;
  chunkSize: number;
  /** Milliseconds to wait before answering. */
  delayMs: number;
  close(): Promise<void>;
}

/** The body as UTF-8, decoded once it is whole (a character may straddle two chunks). */
async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startUpstream(): Promise<Upstream> {
  const state = { reply: undefined as string | undefined, chunkSize: 4, delayMs: 0 };
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await bodyOf(req);
      received.push({ path: req.url ?? '', authorization: req.headers.authorization, body });
      if (state.delayMs > 0) await new Promise((r) => setTimeout(r, state.delayMs));
      const json = JSON.parse(body) as { model?: string; stream?: boolean; messages?: { role: string; content: string }[]; input?: unknown };
      if (req.url === '/v1/embeddings') {
        const inputs = Array.isArray(json.input) ? json.input : [json.input];
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'list', model: json.model, data: inputs.map((_, i) => ({ object: 'embedding', index: i, embedding: [0.1, 0.2] })), usage: { prompt_tokens: 1, total_tokens: 1 } }));
        return;
      }
      const text = state.reply ?? json.messages?.at(-1)?.content ?? '';
      const base = { id: 'chatcmpl-test', created: 1, model: json.model ?? 'unknown' };
      if (json.stream === true) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] })}\n\n`);
        for (let i = 0; i < text.length; i += state.chunkSize) {
          const content = text.slice(i, i + state.chunkSize);
          res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`);
        }
        res.write(`data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`);
        res.end('data: [DONE]\n\n');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }));
    })();
  });
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/v1`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
