/**
 * The policy chain contract: what a link sees, what it may return, and what an evaluation yields.
 *
 * A pack lists links in `policies.chain`. Two are built in (`pii-detector`, `dlp-filter`: they
 * share ONE detector call per input and redact in ONE pass); others (`data-routing-policy`,
 * `audit-logger`) are implementations handed to `PolicyEngine` from outside. A link the pack names
 * but nobody implements does not stop the pack from loading: every result lists it in
 * `notApplied`, so nobody can mistake "not checked" for "passed".
 *
 * Links are synchronous on purpose: the whole chain for a 4 KB prompt has a 50 µs p99 budget, and
 * an audit append is a synchronous write. A link that throws makes the evaluation `blocked` with
 * reason `link_failed` (fail closed): the input is never returned.
 *
 * Order of evaluation:
 * 1. non-observer links, in pack order; a `blocked` outcome stops them (the rest are `skipped`);
 * 2. observer links (`observer: true`, e.g. the audit logger), in pack order, ALWAYS, after all
 *    others, so they see the final verdict, including blocks and failures. Observers cannot change
 *    the text; an observer that throws still turns the verdict into `blocked` (no audit record, no
 *    pass).
 */

/** allowed: nothing found (or only logged); redacted: text changed; blocked: text withheld. */
export type Verdict = 'allowed' | 'redacted' | 'blocked';

/** Names of the links a pack may list in `policies.chain`. */
export type LinkName = 'pii-detector' | 'dlp-filter' | 'data-routing-policy' | 'audit-logger';

/**
 * Why a verdict is what it is. `code` is stable (snake_case); `message` is for people and NEVER
 * contains input text (no card data, no matched values).
 */
export interface Reason {
  /** The link that gave the reason. */
  readonly link: string;
  readonly code: string;
  readonly message: string;
}

/** What the caller tells the chain about this evaluation. All optional. */
export interface EvaluationContext {
  /**
   * The text is about to be sent to an LLM provider. Links with `appliesWhen: 'provider-call'`
   * (data-routing-policy) run only then; otherwise they are listed in `skipped`.
   */
  readonly providerCall?: boolean;
  /** Requested model or target id (routing picks a target for it). */
  readonly model?: string;
  /** Request id, for the audit trail. */
  readonly requestId?: string;
  /** Who asked (API key id, user): PCI DSS 10.2.2 user identification. */
  readonly actor?: string;
  /** Where the request came from (address, file name): PCI DSS 10.2.2 origination. */
  readonly source?: string;
  /** Request content going out, or response content coming back. */
  readonly direction?: 'request' | 'response';
}

/** Identifies the pack that produced a verdict (audit records carry it). */
export interface PackIdentity {
  readonly name: string;
  readonly version: string;
  /** SHA-256 (hex) of the canonical JSON of the validated pack. */
  readonly hash: string;
}

/** Read-only view of an evaluation in progress, handed to each link. */
export interface ChainState {
  readonly pack: PackIdentity;
  readonly context: EvaluationContext;
  /** The text as it stands, with every redaction so far applied. When blocked: the block marker. */
  readonly text: string;
  readonly verdict: Verdict;
  /** Findings per finding type (`pan`, `cvv`, `custom`, `blocked_term`, ...). Never values. */
  readonly counts: Readonly<Record<string, number>>;
  /** Findings per detector id (`pci.pan`, `dlp:AUTH-[0-9A-Z]{6,12}`...). Never values. */
  readonly detectorCounts: Readonly<Record<string, number>>;
  /** Total number of findings. */
  readonly findings: number;
  readonly reasons: readonly Reason[];
  /** Links that ran, in order. */
  readonly applied: readonly string[];
  /** Links named by the pack that have no implementation: never checked. */
  readonly notApplied: readonly string[];
  /** Links that exist but did not run (not applicable in this context, or after a block). */
  readonly skipped: readonly string[];
  /** Data recorded by links that ran, by link name (e.g. the routing decision). */
  readonly data: Readonly<Record<string, unknown>>;
  /** `performance.now()` when the evaluation started (observers compute latency from it). */
  readonly startedAt: number;
}

/** A reason as a link returns it; the chain fills in `link`. */
export interface LinkReason {
  readonly code: string;
  readonly message: string;
}

/** What a link returns. Returning `undefined` means "no objection, no change". */
export interface LinkOutcome {
  /** Withhold the text: the verdict becomes `blocked` and later non-observer links are skipped. */
  readonly block?: boolean;
  /** Replacement text (verdict becomes `redacted` unless blocked). Ignored for observers. */
  readonly text?: string;
  readonly reasons?: readonly LinkReason[];
  /** Stored under `state.data[link.name]` (e.g. a routing decision). */
  readonly data?: unknown;
}

/**
 * One link of the chain. Implementations must be synchronous, must not keep `state` after
 * returning, and must never put input text into reasons, data or records.
 *
 * @example
 * const denyAtNight: ChainLink = {
 *   name: 'data-routing-policy',
 *   appliesWhen: 'provider-call',
 *   evaluate: () => ({ block: true, reasons: [{ code: 'closed', message: 'provider calls are closed' }] }),
 * };
 */
export interface ChainLink {
  readonly name: string;
  /** `always` (default), or only when `context.providerCall` is true. */
  readonly appliesWhen?: 'always' | 'provider-call';
  /** Runs after all other links, even after a block; cannot change text (audit). */
  readonly observer?: boolean;
  evaluate(state: ChainState): LinkOutcome | undefined;
}

/** A redacted span in the OUTPUT text (UTF-16 code units), with what it replaced. */
export interface OutputSpan {
  /** Start in the output. */
  readonly start: number;
  /** End in the output (exclusive). */
  readonly end: number;
  /** Span of the original input that it replaced. */
  readonly inputStart: number;
  readonly inputEnd: number;
  readonly type: string;
  readonly detector: string;
}

/** The final state of an evaluation, plus the redacted spans measured against `text`. */
export interface EvaluationResult extends ChainState {
  /** Redacted spans against the output `text` (empty when blocked). */
  readonly spans: readonly OutputSpan[];
}
