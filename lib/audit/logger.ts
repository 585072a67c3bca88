/**
 * The `audit-logger` chain link: an observer that appends one record per evaluation.
 *
 * A caller that evaluates several texts for one logical request (the gateway: every message of a
 * request, the response, each streamed window) calls `begin(requestId)` first; evaluations carrying
 * that `context.requestId` are then folded into one pending record (worst verdict, summed counts,
 * union of types and reasons), written by `end()` with the HTTP status and total latency. So the
 * trail holds exactly one record per request, whatever the number of evaluations behind it.
 *
 * `evaluate` seals its record synchronously and leaves the write to the trail's batching (see
 * trail.ts); `end` also flushes, so a request's record is in the file before its response is
 * sent. If the append (or that flush) fails it throws, and the caller fails closed: the chain turns
 * the verdict into `blocked`, the gateway answers 5xx.
 */
import type { ChainLink, ChainState, PackIdentity, Verdict } from '../policy/chain.js';
import type { RoutingDecision } from '../routing/router.js';
import { sortFew } from '../detectors/overlaps.js';
import type { AuditEntry, AuditOutcome, AuditRecord, AuditRouting } from './record.js';
import type { AuditTrail } from './trail.js';

const SEVERITY: Record<Verdict, number> = { allowed: 0, redacted: 1, blocked: 2 };

/**
 * The pack as recorded: the chain identifies packs by a hex SHA-256, which the trail stores as
 * base64url of the same digest (a hex digest often holds long decimal runs that card scanners,
 * ours included, could mistake for a PAN; see seal.ts).
 */
export function packRef(identity: PackIdentity): PackIdentity {
  const cached = packRefs.get(identity);
  if (cached !== undefined) return cached;
  const ref = /^[0-9a-f]{64}$/.test(identity.hash)
    ? Object.freeze({ ...identity, hash: Buffer.from(identity.hash, 'hex').toString('base64url') })
    : identity;
  // An engine hands the same frozen identity to every evaluation: convert it once, not per record.
  if (Object.isFrozen(identity)) packRefs.set(identity, ref);
  return ref;
}

const packRefs = new WeakMap<PackIdentity, PackIdentity>();

interface Pending {
  verdict: Verdict;
  pack: PackIdentity | undefined;
  actor: string | undefined;
  source: string | undefined;
  counts: Record<string, number>;
  types: Set<string>;
  reasons: Set<string>;
  routing: AuditRouting | undefined;
}

/** What `end()` adds to a deferred record. */
export interface RequestSummary {
  readonly resource: string;
  readonly status?: number;
  readonly latencyMs: number;
  /** Forces `outcome: failure` (e.g. the upstream failed) even if no evaluation blocked. */
  readonly failed?: boolean;
  /** Extra reason codes (e.g. `upstream_timeout`). */
  readonly reasons?: readonly string[];
  /** Actor and source when no evaluation supplied them (a request with no text). */
  readonly actor?: string;
  readonly source?: string;
  /** Routing decision when no evaluation carried one. */
  readonly routing?: RoutingDecision;
  /** The pack, when no evaluation ran. */
  readonly pack?: PackIdentity;
}

/** Converts a routing decision to its audit form; rejections only when `withRejections`. */
export function auditRouting(decision: RoutingDecision, withRejections: boolean): AuditRouting {
  const base = { outcome: decision.outcome, target: decision.target?.id ?? null };
  if (!withRejections && decision.outcome !== 'blocked') return base;
  return { ...base, rejected: decision.rejected.map((r) => ({ id: r.id, reasons: r.reasons.map((x) => x.code) })) };
}

/**
 * @example
 * const audit = new AuditLogger(new AuditTrail({ path: 'audit.jsonl' }));
 * const engine = new PolicyEngine(pack, { links: { 'audit-logger': audit } });
 */
export class AuditLogger implements ChainLink {
  readonly name = 'audit-logger';
  readonly observer = true;
  readonly trail: AuditTrail;
  private readonly event: string;
  private readonly logSelection: boolean;
  private readonly pending = new Map<string, Pending>();
  private readonly routings = new WeakMap<RoutingDecision, AuditRouting>();
  private counter = 0;

  /**
   * @param options.event event type for records (default `chain.evaluate`; the gateway uses `gateway.request`)
   * @param options.logSelection include rejected targets with reasons (`log_provider_selection`)
   */
  constructor(trail: AuditTrail, options: { event?: string; logSelection?: boolean } = {}) {
    this.trail = trail;
    this.event = options.event ?? 'chain.evaluate';
    this.logSelection = options.logSelection ?? false;
  }

  evaluate(state: ChainState): undefined {
    const id = state.context.requestId;
    const pending = id === undefined ? undefined : this.pending.get(id);
    if (pending !== undefined) {
      this.fold(pending, state);
      return undefined;
    }
    // The trail only reads the entry (it fills in `routing` only when present), so the state's
    // own objects are passed as they are: no spreads or copies per record.
    this.trail.append({
      event: this.event,
      request_id: id ?? this.nextId(),
      actor: state.context.actor ?? 'anonymous',
      source: state.context.source ?? 'local',
      resource: state.context.direction ?? 'evaluate',
      outcome: state.verdict === 'blocked' ? 'failure' : 'success',
      pack: packRef(state.pack),
      verdict: state.verdict,
      reasons: uniqueReasons(state),
      counts: state.detectorCounts,
      finding_types: typesOf(state),
      routing: this.routingOf(state),
      latency_ms: performance.now() - state.startedAt,
    } as AuditEntry);
    return undefined;
  }

  /** Starts folding evaluations with this request id into one record. */
  begin(requestId: string): void {
    this.pending.set(requestId, {
      verdict: 'allowed',
      pack: undefined,
      actor: undefined,
      source: undefined,
      counts: {},
      types: new Set(),
      reasons: new Set(),
      routing: undefined,
    });
  }

  /**
   * Writes the folded record for `requestId`, flushed to the trail file before returning.
   * @throws AuditError when the append fails (the caller must not deliver the response).
   */
  end(requestId: string, summary: RequestSummary): AuditRecord {
    const p = this.pending.get(requestId);
    this.pending.delete(requestId);
    const identity = p?.pack ?? summary.pack;
    if (identity === undefined) throw new TypeError('AuditLogger.end: no evaluation ran and no pack was given');
    const pack = packRef(identity);
    for (const r of summary.reasons ?? []) p?.reasons.add(r);
    const routing = p?.routing ?? (summary.routing && auditRouting(summary.routing, this.logSelection));
    const verdict = p?.verdict ?? 'allowed';
    const outcome: AuditOutcome = summary.failed || verdict === 'blocked' ? 'failure' : 'success';
    const entry: AuditEntry = {
      event: this.event,
      request_id: requestId,
      actor: p?.actor ?? summary.actor ?? 'anonymous',
      source: p?.source ?? summary.source ?? 'unknown',
      resource: summary.resource,
      outcome,
      pack,
      verdict,
      reasons: p ? [...p.reasons] : [...(summary.reasons ?? [])],
      counts: p?.counts ?? {},
      finding_types: p ? [...p.types].sort() : [],
      ...(routing === undefined ? {} : { routing }),
      ...(summary.status === undefined ? {} : { status: summary.status }),
      latency_ms: summary.latencyMs,
    };
    const record = this.trail.append(entry);
    this.trail.flush();
    return record;
  }

  /** Drops a pending request without writing (only for requests that never started work). */
  discard(requestId: string): void {
    this.pending.delete(requestId);
  }

  private fold(p: Pending, state: ChainState): void {
    if (SEVERITY[state.verdict] > SEVERITY[p.verdict]) p.verdict = state.verdict;
    p.pack ??= state.pack;
    p.actor ??= state.context.actor;
    p.source ??= state.context.source;
    const counts = state.detectorCounts;
    for (const detector of Object.keys(counts)) p.counts[detector] = (p.counts[detector] ?? 0) + (counts[detector] ?? 0);
    for (const t of Object.keys(state.counts)) if ((state.counts[t] ?? 0) > 0) p.types.add(t);
    for (const r of state.reasons) p.reasons.add(`${r.link}:${r.code}`);
    p.routing ??= this.routingOf(state);
  }

  private routingOf(state: ChainState): AuditRouting | undefined {
    const decision = state.data['data-routing-policy'] as RoutingDecision | undefined;
    if (decision === undefined) return undefined;
    // The router hands out one frozen decision per target: convert each once, not per record.
    let routing = this.routings.get(decision);
    if (routing === undefined) {
      routing = auditRouting(decision, this.logSelection);
      // Frozen, so the trail may cache its JSON too.
      if (Object.isFrozen(decision)) this.routings.set(decision, (routing = Object.freeze(routing)));
    }
    return routing;
  }

  private nextId(): string {
    this.counter += 1;
    return `eval-${process.pid}-${this.counter}`;
  }
}

/** Code unit order, as `sort()` without a comparator orders strings. */
const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

// Loops rather than Set/map/filter chains: both run once per evaluation over a handful of items.
/** The finding types seen, sorted (an insertion sort: the default sort's generic path cost more than the rest of this). */
function typesOf(state: ChainState): string[] {
  const types: string[] = [];
  for (const t of Object.keys(state.counts)) if ((state.counts[t] ?? 0) > 0) types.push(t);
  return sortFew(types, byCodeUnits);
}

function uniqueReasons(state: ChainState): string[] {
  const codes: string[] = [];
  for (const r of state.reasons) {
    const code = `${r.link}:${r.code}`;
    if (!codes.includes(code)) codes.push(code);
  }
  return codes;
}
