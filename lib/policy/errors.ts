/** Errors of pack loading and the policy engine. Messages never contain scanned text. */
export type PolicyErrorCode =
  /** The pack file cannot be read. */
  | 'ERR_PACK_READ'
  /** The pack file is not valid YAML. */
  | 'ERR_PACK_YAML'
  /** The pack does not match the format (see `issues`). */
  | 'ERR_PACK_INVALID'
  /** `pack.enabled: false`: refusing to run a pack that its author switched off. */
  | 'ERR_PACK_DISABLED'
  /** A DLP `detect_patterns` entry or blocked term the engine cannot compile. */
  | 'ERR_PATTERN_INVALID'
  /** A link implementation handed to the engine is malformed (name mismatch, not in the pack...). */
  | 'ERR_LINK_INVALID';

/** One problem in a pack: where (path, and line/column when read from YAML), what was expected. */
export interface PackIssue {
  /** Dotted path, e.g. `policy.dlp-filter.max_distance` or `policies.chain[2]`. */
  readonly path: string;
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
  /** Closest valid key or value, for typos. */
  readonly suggestion?: string;
}

export class PolicyError extends Error {
  readonly code: PolicyErrorCode;
  /** For ERR_PACK_INVALID / ERR_PACK_YAML / ERR_PATTERN_INVALID: every problem found. */
  readonly issues: readonly PackIssue[];

  constructor(code: PolicyErrorCode, message: string, issues: readonly PackIssue[] = [], options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PolicyError';
    this.code = code;
    this.issues = issues;
  }
}
