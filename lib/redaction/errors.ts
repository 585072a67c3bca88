/** Errors of the redaction layer: keys, tokens, the vault. Messages never contain card data. */
export type RedactionErrorCode =
  /** A key named by the pack is absent (unset environment variable, missing file). */
  | 'ERR_KEY_MISSING'
  /** A key decodes to fewer than 32 bytes. */
  | 'ERR_KEY_TOO_SHORT'
  /** A key file exists but cannot be read, or a `hex:`/`base64:` value does not decode. */
  | 'ERR_KEY_INVALID'
  /** Token or vault redaction configured without any key. */
  | 'ERR_KEY_REQUIRED'
  /** Sensitive authentication data (track, CVV, PIN) would be tokenized or stored. */
  | 'ERR_SAD_STORAGE'
  /** The vault database cannot be opened or written. */
  | 'ERR_VAULT'
  /** Detokenizing without a capability issued by this vault. */
  | 'ERR_DETOKENIZE_DENIED'
  /** A token this vault does not hold (or whose key is no longer loaded). */
  | 'ERR_TOKEN_UNKNOWN';

export class RedactionError extends Error {
  readonly code: RedactionErrorCode;

  constructor(code: RedactionErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RedactionError';
    this.code = code;
  }
}
