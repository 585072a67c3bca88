/** Errors of the streaming layer. `code` is stable; messages never contain scanned data. */
export type StreamErrorCode =
  /** No cut point that keeps output equal to a whole-input scrub was found within the holdback bound. */
  | 'ERR_HOLDBACK_EXCEEDED'
  /** An option has the wrong type or range. */
  | 'ERR_INVALID_ARGUMENT'
  /** A worker thread failed or exited; the data it held was not written. */
  | 'ERR_WORKER'
  /** The pool was used after close(). */
  | 'ERR_POOL_CLOSED';

export class StreamError extends Error {
  readonly code: StreamErrorCode;

  constructor(code: StreamErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StreamError';
    this.code = code;
  }
}
