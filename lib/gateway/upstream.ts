/**
 * Calls a provider target with global fetch (Node 20). The target's `timeout_ms` bounds the wait
 * for headers and every later gap between body chunks (an idle timeout), so a long stream that
 * keeps producing tokens is not cut, but a stalled one is. Failures become gateway errors: 504
 * for a timeout, 502 for anything else (connection refused, reset, DNS).
 */
import { GatewayError } from './errors.js';

export class UpstreamCall {
  readonly controller = new AbortController();
  private readonly timeoutMs: number;
  private timer: NodeJS.Timeout | undefined;
  private timedOut = false;

  constructor(timeoutMs: number) {
    this.timeoutMs = timeoutMs;
  }

  /** Restarts the idle timer (call on every chunk). */
  touch(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort();
    }, this.timeoutMs);
    this.timer.unref();
  }

  done(): void {
    clearTimeout(this.timer);
  }

  /** Aborts (the client went away). */
  abort(): void {
    this.done();
    this.controller.abort();
  }

  /** The gateway error for a failure of this call. */
  failure(error: unknown): GatewayError {
    if (error instanceof GatewayError) return error;
    if (this.timedOut) return new GatewayError('cardveil_upstream_timeout', `provider did not answer within ${this.timeoutMs} ms`);
    const cause = (error as { cause?: { code?: unknown } }).cause?.code;
    return new GatewayError('cardveil_upstream_error', `provider request failed${typeof cause === 'string' ? ` (${cause})` : ''}`);
  }

  /** POSTs `body` to `baseUrl + path`. */
  async post(baseUrl: string, path: string, body: string, apiKey: string | undefined, stream: boolean): Promise<Response> {
    this.touch();
    try {
      return await fetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: stream ? 'text/event-stream' : 'application/json',
          ...(apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` }),
        },
        body,
        signal: this.controller.signal,
      });
    } catch (error) {
      this.done();
      throw this.failure(error);
    }
  }

  /** Reads a whole (non-streamed) body under the idle timeout. */
  async text(response: Response): Promise<string> {
    const decoder = new TextDecoder();
    let out = '';
    try {
      if (response.body !== null) {
        for await (const chunk of response.body) {
          this.touch();
          out += decoder.decode(chunk as Uint8Array, { stream: true });
        }
      }
      return out + decoder.decode();
    } catch (error) {
      throw this.failure(error);
    } finally {
      this.done();
    }
  }
}
