/** Audit trail failures. `code` is stable; messages name files and sequence numbers, never content. */
export type AuditErrorCode =
  | 'ERR_AUDIT_CORRUPT'
  | 'ERR_AUDIT_ALG_MISMATCH'
  | 'ERR_AUDIT_KEY'
  | 'ERR_AUDIT_WRITE'
  | 'ERR_AUDIT_CLOSED';

export class AuditError extends Error {
  readonly code: AuditErrorCode;

  constructor(code: AuditErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuditError';
    this.code = code;
  }
}
