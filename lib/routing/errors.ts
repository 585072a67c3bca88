/** Routing configuration errors. `code` is stable; messages name the target id, never request data. */
export type RoutingErrorCode =
  | 'ERR_UNKNOWN_FALLBACK'
  | 'ERR_DUPLICATE_TARGET'
  | 'ERR_UNKNOWN_PROVIDER'
  | 'ERR_SECRET_MISSING';

export class RoutingError extends Error {
  readonly code: RoutingErrorCode;

  constructor(code: RoutingErrorCode, message: string) {
    super(message);
    this.name = 'RoutingError';
    this.code = code;
  }
}
