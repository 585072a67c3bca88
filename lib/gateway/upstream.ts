/**
 * Calls a provider target with node:http / node:https over one keep-alive Agent per target. Not
 * global fetch: its web streams cost milliseconds of CPU per call, the gateway's whole latency
 * budget. The target's `timeout_ms` bounds the wait for headers and every later gap between body
 * chunks (an idle timeout), so a long stream that keeps producing tokens is not cut, but a
 * stalled one is. Failures become gateway errors: 504 for a timeout, 502 for anything else
 * (connection refused, reset, DNS, a redirect).
 */
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { urlToHttpOptions } from 'node:url';
import type { Target } from '../routing/schema.js';
import { GatewayError } from './errors.js';

/**
 * Concurrent connections per target. Streamed completions hold a socket for their whole length,
 * so the cap is high; it only stops a burst from opening unbounded sockets to one provider.
 */
const MAX_SOCKETS = 256;

/** A target's agent and its base URL already parsed (per-call URL parsing showed in profiles). */
interface Connection {
  readonly baseUrl: string;
  readonly agent: HttpAgent;
  readonly send: typeof httpRequest;
  /** Request options (`urlToHttpOptions`: host, port, path, auth) of `baseUrl + path`, per path. */
  readonly endpoints: Map<string, ReturnType<typeof urlToHttpOptions>>;
}

// The router's Target objects live as long as the gateway: the agent (and its idle sockets,
// which Node unrefs) goes with them.
const connections = new WeakMap<Target, Connection>();

/**
 * The keep-alive connection for `target`, made on first use (https or http per its base URL).
 * @throws TypeError for a base URL that does not parse; GatewayError for a scheme other than http(s).
 */
function connectionFor(target: Target, baseUrl: string): Connection {
  const known = connections.get(target);
  if (known !== undefined && known.baseUrl === baseUrl) return known;
  const url = new URL(baseUrl);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new GatewayError('cardveil_upstream_error', `provider base_url has an unsupported scheme (${url.protocol})`);
  }
  const https = url.protocol === 'https:';
  const options = { keepAlive: true, maxSockets: MAX_SOCKETS };
  const connection: Connection = {
    baseUrl,
    agent: https ? new HttpsAgent(options) : new HttpAgent(options),
    send: https ? httpsRequest : httpRequest,
    endpoints: new Map(),
  };
  connections.set(target, connection);
  return connection;
}

/** The request options for `path` on `connection`, parsed once. @throws TypeError when the URL does not parse. */
function endpointOf(connection: Connection, path: string): ReturnType<typeof urlToHttpOptions> {
  let options = connection.endpoints.get(path);
  if (options === undefined) {
    options = urlToHttpOptions(new URL(`${connection.baseUrl}${path}`));
    connection.endpoints.set(path, options);
  }
  return options;
}

export class UpstreamCall {
  private readonly timeoutMs: number;
  private timer: NodeJS.Timeout | undefined;
  private timedOut = false;
  private request: ClientRequest | undefined;
  private response: IncomingMessage | undefined;
  private aborted = false;

  constructor(timeoutMs: number) {
    this.timeoutMs = timeoutMs;
  }

  /** Restarts the idle timer (call on every chunk): one timer per call, refreshed, not one per chunk. */
  touch(): void {
    if (this.timer !== undefined) {
      this.timer.refresh();
      return;
    }
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.destroy();
    }, this.timeoutMs);
    this.timer.unref();
  }

  done(): void {
    clearTimeout(this.timer);
    this.timer = undefined; // a cleared timer cannot be refreshed: a later touch() makes a new one
  }

  /** Aborts (the client went away). */
  abort(): void {
    this.done();
    this.destroy();
  }

  /** Destroys the request and its response (a pending read then throws); the socket is not reused. */
  private destroy(): void {
    this.aborted = true;
    const error = Object.assign(new Error('upstream call aborted'), { code: 'ABORT_ERR' });
    this.response?.destroy(error);
    this.request?.destroy(error);
  }

  /** The gateway error for a failure of this call. */
  failure(error: unknown): GatewayError {
    if (error instanceof GatewayError) return error;
    if (this.timedOut) return new GatewayError('cardveil_upstream_timeout', `provider did not answer within ${this.timeoutMs} ms`);
    const code = (error as { code?: unknown } | null)?.code;
    return new GatewayError('cardveil_upstream_error', `provider request failed${typeof code === 'string' ? ` (${code})` : ''}`);
  }

  /**
   * POSTs `body` to `baseUrl + path` on `target`'s agent; resolves once the response headers
   * arrived. Redirects are not followed (the request carries the provider key): a 3xx is a 502.
   */
  post(target: Target, baseUrl: string, path: string, body: string, apiKey: string | undefined, stream: boolean): Promise<IncomingMessage> {
    this.touch();
    return new Promise<IncomingMessage>((resolve, reject) => {
      let settled = false;
      const fail = (error: unknown): void => {
        if (settled) return; // later errors surface while the body is read (text / iteration)
        settled = true;
        this.done();
        reject(this.failure(error));
      };
      let connection: Connection;
      let endpoint: ReturnType<typeof urlToHttpOptions>;
      try {
        connection = connectionFor(target, baseUrl);
        endpoint = endpointOf(connection, path);
      } catch (error) {
        fail(error);
        return;
      }
      if (this.aborted) {
        // The client left (or the timer fired) before the call started.
        fail(new Error('aborted'));
        return;
      }
      // A Buffer, not the string: Node would join a string body to the header string, and that
      // flattened copy is young-generation garbage; small Buffers come from the off-heap pool.
      const bytes = Buffer.from(body, 'utf8');
      const headers: Record<string, string | number> = {
        'content-type': 'application/json',
        'content-length': bytes.length,
        accept: stream ? 'text/event-stream' : 'application/json',
      };
      if (apiKey !== undefined) headers.authorization = `Bearer ${apiKey}`;
      const req = connection.send({ ...endpoint, method: 'POST', agent: connection.agent, headers }, (response) => {
        const status = response.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          fail(new GatewayError('cardveil_upstream_error', `provider answered a redirect (${status}); set the target's base_url to the final address`));
          this.destroy();
          return;
        }
        settled = true;
        this.response = response;
        resolve(response);
      });
      this.request = req;
      req.on('error', fail);
      req.end(bytes);
    });
  }

  /**
   * Reads a whole (non-streamed) body under the idle timeout. Stream events, not `for await`:
   * the async iterator's promises and garbage showed in the gateway's per-request cost.
   */
  text(response: IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      const fail = (error: unknown): void => {
        this.done();
        reject(this.failure(error));
      };
      response.on('data', (chunk: Buffer) => {
        this.touch();
        chunks.push(chunk);
      });
      response.once('end', () => {
        this.done();
        resolve((chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8'));
      });
      response.once('error', fail);
      // Destroyed without an error (an abort) or cut before its end: never a partial body.
      response.once('close', () => {
        if (!response.complete) fail(Object.assign(new Error('upstream response ended early'), { code: 'ECONNRESET' }));
      });
    });
  }
}
