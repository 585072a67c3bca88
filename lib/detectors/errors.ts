/** Errors of the detectors. `code` is stable; messages never contain scanned data. */
export type DetectorErrorCode =
  /** An option is malformed (names the option and what was expected). */
  | 'ERR_INVALID_OPTIONS'
  /** A custom pattern or blocked term failed to compile (names it). */
  | 'ERR_PATTERN_COMPILE'
  /** The input is neither a string nor a Uint8Array. */
  | 'ERR_INVALID_INPUT'
  /** The scan itself failed: treat the input as containing card data (fail closed). */
  | 'ERR_DETECTION_FAILED';

export class DetectorError extends Error {
  readonly code: DetectorErrorCode;

  constructor(code: DetectorErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DetectorError';
    this.code = code;
  }
}
