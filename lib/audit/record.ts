/**
 * The audit record: one JSON line per evaluation, field names as stored (snake_case).
 *
 * It covers PCI DSS 10.2.2: who (`actor`), what (`event`, `resource`), when (`time`), success or
 * failure (`outcome`, `verdict`, `status`), from where (`source`), and which component and data
 * (`pack`, `routing.target`, finding `counts` and `finding_types`). It never holds content: only
 * counts and types of findings, never their values.
 */

export type AuditOutcome = 'success' | 'failure';

export interface AuditRouting {
  /** `selected` | `fallback` | `blocked`. */
  readonly outcome: string;
  /** The chosen target id; null when blocked or not routed. */
  readonly target: string | null;
  /** Rejected targets with reason codes (present when `log_provider_selection` or blocked). */
  readonly rejected?: readonly { readonly id: string; readonly reasons: readonly string[] }[];
}

export interface AuditPackRef {
  readonly name: string;
  readonly version: string;
  /** Content hash of the pack, so a record names the exact rules that applied. */
  readonly hash: string;
}

/** What a caller appends; the trail adds `v`, `seq`, `time`, `alg`, `prev` and `hash`. */
export interface AuditEntry {
  /** Event type, e.g. `gateway.request`, `chain.evaluate`, `middleware.request`. */
  readonly event: string;
  readonly request_id: string;
  /** API key id (`key:<8 hex of its SHA-256>`), a user name, or `anonymous`. */
  readonly actor: string;
  /** Origination: the client address. */
  readonly source: string;
  /** Affected resource, e.g. `POST /v1/chat/completions` (path only, never a query string). */
  readonly resource: string;
  readonly outcome: AuditOutcome;
  readonly pack: AuditPackRef;
  /** `allowed` | `redacted` | `blocked`. */
  readonly verdict: string;
  /** Reason codes behind the verdict. */
  readonly reasons: readonly string[];
  /** Findings per detector id. */
  readonly counts: Readonly<Record<string, number>>;
  /** Finding types seen (e.g. `pan`, `cvv`), sorted; never values. */
  readonly finding_types: readonly string[];
  readonly routing?: AuditRouting;
  /** HTTP status returned to the client, when there is one. */
  readonly status?: number;
  /** Wall time of the evaluation (or of the whole request in the gateway), milliseconds. */
  readonly latency_ms: number;
}

export type HashAlgorithm = 'sha256' | 'hmac-sha256';

export interface AuditRecord extends AuditEntry {
  readonly v: 1;
  /** 1-based, +1 per record, continuous across rotated files. */
  readonly seq: number;
  /** ISO 8601, UTC, milliseconds. */
  readonly time: string;
  readonly alg: HashAlgorithm;
  /** `hash` of the previous record; empty for the first record of a trail. */
  readonly prev: string;
  /** base64url SHA-256 (or HMAC-SHA-256) of this line up to, not including, `,"hash":`. */
  readonly hash: string;
}
