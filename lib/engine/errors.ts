import type { EngineErrorCode } from './types.js';

/** Every engine failure. `code` is stable; messages never contain scanned data. */
export class EngineError extends Error {
  readonly code: EngineErrorCode;
  /** For ERR_PATTERN_COMPILE: index in the pattern list and the pattern's id. */
  readonly patternIndex?: number;
  readonly patternId?: number;

  constructor(code: EngineErrorCode, message: string, pattern?: { index: number; id: number }) {
    super(message);
    this.name = 'EngineError';
    this.code = code;
    if (pattern) {
      this.patternIndex = pattern.index;
      this.patternId = pattern.id;
    }
  }
}
