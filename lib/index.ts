/**
 * cardveil: keep payment-card data out of logs and LLM prompts.
 *
 * The one-call API covers the common case:
 * @example
 * ```ts
 * import { scrub, detect } from 'cardveil';
 * scrub('card 4111 1111 1111 1111 exp 12/29'); // 'card [REDACTED:PAN] exp [REDACTED:EXPIRY]'
 * detect('card 4111111111111111')[0]?.type;     // 'pan'
 * ```
 * Integrations live in subpath exports so that this entry never loads them:
 * `cardveil/express`, `cardveil/fastify`, `cardveil/fetch`, `cardveil/pino`, `cardveil/winston`.
 */

// One-call API and the Scrubber used by the CLI, streams and workers.
export { scrub, detect, Scrubber } from './scrub.js';
export type { ScrubResult, ScrubberOptions, ScrubberWorkerData } from './scrub.js';

// Detectors.
export { Detector } from './detectors/detector.js';
export { DetectorError } from './detectors/errors.js';
export { IIN_TABLE, brandOf } from './detectors/iin.js';
export { builtinPatterns, PATTERN_ID } from './detectors/patterns.js';
export type * from './detectors/types.js';

// Engine.
export { compile, deserialize, activeEngine, nativeLoadError, scanRecords, EngineError, NativeDatabase } from './engine/index.js';
export { codePointRanges } from './engine/evasion-hints.js';
export type { EngineSelection } from './engine/index.js';
export type * from './engine/types.js';

// Policy packs and the chain.
export { PolicyEngine, blockMarker } from './policy/engine.js';
export type { PolicyEngineOptions, LinkImplementation, BytesEvaluation } from './policy/engine.js';
export type * from './policy/chain.js';
export { loadPack, parsePack, validatePack } from './policy/load.js';
export { packSchema } from './policy/schema.js';
export type { Pack, PackInput } from './policy/schema.js';
export { defaultPack } from './policy/default-pack.js';
export { PolicyError } from './policy/errors.js';
export type { PolicyErrorCode, PackIssue } from './policy/errors.js';

// Redaction.
export { Redactor } from './redaction/redactor.js';
export type { OperatorKind, MaskKeep } from './redaction/redactor.js';
export { Vault } from './redaction/vault.js';
export type { VaultAuditEvent, DetokenizeCapability } from './redaction/vault.js';
export { RedactionError } from './redaction/errors.js';
export { mergeFindings } from './redaction/merge.js';
export { loadKeyRing } from './redaction/keys.js';
export type { KeyRef } from './redaction/keys.js';

// Routing and audit.
export { Router, checkTarget } from './routing/router.js';
export type { RoutingDecision, Rejection, RejectedTarget } from './routing/router.js';
export { RoutingLink } from './routing/link.js';
export { AuditLogger } from './audit/logger.js';
export { AuditTrail } from './audit/trail.js';
export { verifyTrail } from './audit/verify.js';
export type { VerifyReport, VerifyProblem } from './audit/verify.js';

// The OpenAI-compatible gateway (what `cardveil serve` runs).
export { createGatewayServer, createGatewayHandler } from './gateway/server.js';
export { createGatewayRuntime } from './gateway/runtime.js';
export { GatewayError, GATEWAY_ERRORS } from './gateway/errors.js';

// Streams and every core.
export { createScrubStream, ScrubStream } from './stream/scrub-stream.js';
export type { ScrubStreamOptions } from './stream/scrub-stream.js';
export { StreamError } from './stream/errors.js';
export { ScrubPool } from './workers/pool.js';
export { scrubFileParallel, scrubStreamParallel } from './workers/scrub-file.js';
export type { PoolOutcome, ScrubPoolOptions } from './workers/pool.js';
export type { ParallelScrubOptions, ParallelScrubOutcome } from './workers/scrub-file.js';
