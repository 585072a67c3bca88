/**
 * PolicyEngine: a validated pack, compiled once, evaluated per input.
 *
 * Construction does everything that can fail or cost: validation, key loading (missing or short
 * keys are errors here, never at the first card), opening the vault, compiling the one detector
 * database (built-ins + DLP patterns + blocked terms), resolving the chain. `evaluate()` then runs
 * ONE detector call, the built-in links' decisions, ONE redaction pass, the outside links, and the
 * observers. Any failure inside `evaluate()` yields `blocked` with a reason code, never the input.
 *
 * Thread rule: an engine belongs to one thread (its vault connection does); share work with
 * workers through `serialize()` and a new engine per worker (see Scrubber.toWorkerData).
 */
import { createHash } from 'node:crypto';
import type { Finding } from '../detectors/types.js';
import type { EngineKind } from '../engine/types.js';
import { loadKeyRing, type KeyRing } from '../redaction/keys.js';
import { mergeFindings, type Segment } from '../redaction/merge.js';
import { Redactor, type FixedSegment, type OperatorKind } from '../redaction/redactor.js';
import { Vault, type VaultAuditEvent } from '../redaction/vault.js';
import { decide, type BuiltinLink, type Decision } from './actions.js';
import type { ChainLink, ChainState, EvaluationContext, EvaluationResult, LinkName, OutputSpan, PackIdentity, Reason, Verdict } from './chain.js';
import { createDetector, type Detector } from './detection.js';
import { PolicyError } from './errors.js';
import { loadPack, validatePack } from './load.js';
import type { Pack, PackInput } from './schema.js';

/** A link, or a factory that builds it from the validated pack. */
export type LinkImplementation = ChainLink | ((pack: Pack) => ChainLink);

export interface PolicyEngineOptions {
  /** Implementations of the links cardveil does not build in. */
  readonly links?: {
    readonly 'data-routing-policy'?: LinkImplementation;
    readonly 'audit-logger'?: LinkImplementation;
  };
  /** Detection engine (default `auto`: native when it loads). */
  readonly engine?: 'auto' | EngineKind;
  /** A database from `serialize()` of an engine built from an equal pack: skips compilation. */
  readonly serialized?: Uint8Array;
  /** Where `secret_key_ref: {env}` keys are read (default `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
  /** The vault's audit sink; required to detokenize. */
  readonly onVaultAudit?: (event: VaultAuditEvent) => void;
}

/** Result of the Buffer path (`scrubBytes`). Spans are in bytes. */
export interface BytesEvaluation {
  readonly output: Buffer;
  readonly verdict: Verdict;
  readonly counts: Record<string, number>;
  readonly findings: number;
  readonly reasons: Reason[];
  readonly spans: readonly OutputSpan[];
}

type Step =
  | { readonly kind: 'builtin'; readonly name: BuiltinLink }
  | { readonly kind: 'outside'; readonly name: string; readonly link: ChainLink }
  | { readonly kind: 'missing'; readonly name: string };

const BUILTIN: ReadonlySet<string> = new Set(['pii-detector', 'dlp-filter']);
const OUTSIDE: ReadonlySet<string> = new Set(['data-routing-policy', 'audit-logger']);

/** The text that replaces blocked content: names the link, never the data. */
export function blockMarker(link: string): string {
  return `[BLOCKED:${link}]`;
}

interface MutableState {
  pack: PackIdentity;
  context: EvaluationContext;
  text: string;
  verdict: Verdict;
  counts: Record<string, number>;
  detectorCounts: Record<string, number>;
  findings: number;
  reasons: Reason[];
  applied: string[];
  notApplied: string[];
  skipped: string[];
  data: Record<string, unknown>;
  startedAt: number;
  spans: OutputSpan[];
}

function count(findings: readonly Finding[]): { counts: Record<string, number>; detectorCounts: Record<string, number> } {
  const counts: Record<string, number> = {};
  const detectorCounts: Record<string, number> = {};
  for (const f of findings) {
    counts[f.type] = (counts[f.type] ?? 0) + 1;
    detectorCounts[f.detector] = (detectorCounts[f.detector] ?? 0) + 1;
  }
  return { counts, detectorCounts };
}

/** An error description safe for reasons: its class and code, never its message (it may quote input). */
function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${error.name} ${code}` : error.name;
  }
  return typeof error;
}

// Shared by snapshots where the state's own object is empty (most evaluations find nothing):
// frozen, so no link can fill them, and no copy is made per link call.
const NO_COUNTS: Readonly<Record<string, number>> = Object.freeze({});
const NO_DATA: Readonly<Record<string, unknown>> = Object.freeze({});
const NOTHING: readonly never[] = Object.freeze([]);

function isEmpty(o: object): boolean {
  for (const _ in o) return false;
  return true;
}

function snapshot(s: MutableState): ChainState {
  return Object.freeze({
    pack: s.pack,
    context: s.context,
    text: s.text,
    verdict: s.verdict,
    counts: s.findings === 0 ? NO_COUNTS : { ...s.counts },
    detectorCounts: s.findings === 0 ? NO_COUNTS : { ...s.detectorCounts },
    findings: s.findings,
    reasons: s.reasons.length === 0 ? NOTHING : [...s.reasons],
    applied: [...s.applied],
    notApplied: s.notApplied,
    skipped: s.skipped.length === 0 ? NOTHING : [...s.skipped],
    data: isEmpty(s.data) ? NO_DATA : { ...s.data },
    startedAt: s.startedAt,
  });
}

/**
 * The evaluation's result: the state's own objects, since nothing else holds them once
 * `evaluate` returns (links only ever saw snapshots). Same fields, in the same order, as a
 * snapshot plus `spans`.
 */
function result(s: MutableState): EvaluationResult {
  return {
    pack: s.pack,
    context: s.context,
    text: s.text,
    verdict: s.verdict,
    counts: s.counts,
    detectorCounts: s.detectorCounts,
    findings: s.findings,
    reasons: s.reasons,
    applied: s.applied,
    notApplied: s.notApplied,
    skipped: s.skipped,
    data: s.data,
    startedAt: s.startedAt,
    spans: s.verdict === 'blocked' ? [] : s.spans,
  };
}

/**
 * @example
 * const engine = new PolicyEngine('packs/pci-ai-governance.yaml', { links: { 'audit-logger': auditLink } });
 * const result = engine.evaluate('card 4111 1111 1111 1111', { providerCall: true, actor: 'key-1' });
 * result.verdict    // 'redacted'
 * result.text       // 'card [REDACTED:PAN brand=visa last4=1111]'
 * result.notApplied // ['data-routing-policy'] (no routing implementation given)
 */
export class PolicyEngine {
  readonly pack: Pack;
  readonly identity: PackIdentity;
  readonly detector: Detector;
  /** The token vault, when the pack uses vault redaction. */
  readonly vault: Vault | undefined;
  private readonly redactor: Redactor;
  private readonly steps: readonly Step[];
  private readonly observers: readonly ChainLink[];
  private readonly notApplied: readonly string[];
  private readonly detects: boolean;
  private readonly includeValues: boolean;

  /**
   * @param pack a validated pack, a pack object from code, or a YAML file path.
   * @throws PolicyError (`ERR_PACK_*`, `ERR_PATTERN_INVALID`, `ERR_LINK_INVALID`) or
   * RedactionError (`ERR_KEY_*`, `ERR_VAULT`) at construction; never later.
   */
  constructor(pack: Pack | PackInput | string, options: PolicyEngineOptions = {}) {
    this.pack = typeof pack === 'string' ? loadPack(pack) : validatePack(pack);
    const p = this.pack;
    if (!p.pack.enabled) {
      throw new PolicyError('ERR_PACK_DISABLED', `pack "${p.pack.name}" is disabled (pack.enabled: false); refusing to run it`);
    }
    // Frozen: every evaluation shares it, and observers may cache what they derive from it.
    this.identity = Object.freeze({
      name: p.pack.name,
      version: p.pack.version,
      hash: createHash('sha256').update(JSON.stringify(p)).digest('hex'),
    });

    const links = options.links ?? {};
    for (const name of Object.keys(links)) {
      if (!OUTSIDE.has(name)) {
        throw new PolicyError('ERR_LINK_INVALID', `links: "${name}" cannot be supplied from outside (allowed: ${[...OUTSIDE].join(', ')})`);
      }
    }
    const steps: Step[] = [];
    const observers: ChainLink[] = [];
    const notApplied: string[] = [];
    for (const name of p.policies.chain) {
      if (BUILTIN.has(name)) {
        steps.push({ kind: 'builtin', name: name as BuiltinLink });
        continue;
      }
      const impl = links[name as Exclude<LinkName, BuiltinLink>];
      if (impl === undefined) {
        notApplied.push(name);
        steps.push({ kind: 'missing', name });
        continue;
      }
      const link = typeof impl === 'function' ? impl(p) : impl;
      if (link.name !== name || typeof link.evaluate !== 'function') {
        throw new PolicyError('ERR_LINK_INVALID', `links["${name}"] must be a ChainLink named "${name}" with an evaluate() method (got name "${String(link.name)}")`);
      }
      if (link.observer === true) observers.push(link);
      else steps.push({ kind: 'outside', name, link });
    }
    this.steps = steps;
    this.observers = observers;
    this.notApplied = Object.freeze(notApplied);

    const pii = p.policy['pii-detector'];
    const redaction = pii?.redaction;
    const operators = new Set<OperatorKind>();
    let keys: KeyRing | undefined;
    let vault: Vault | undefined;
    if (redaction !== undefined) {
      operators.add(redaction.marker_format);
      for (const op of Object.values(redaction.operators)) if (op !== undefined) operators.add(op);
      if (operators.has('token') || operators.has('vault')) keys = loadKeyRing(redaction.keys, options.env);
      if (operators.has('vault')) {
        vault = Vault.open({ path: redaction.vault.path, keys: keys!, ...(options.onVaultAudit ? { onAudit: options.onVaultAudit } : {}) });
      }
    }
    this.vault = vault;
    const markers: Record<string, string> = {};
    for (const [key, marker] of Object.entries(redaction?.custom_markers ?? {})) {
      if (marker !== undefined) markers[key === 'generic_id' ? 'custom' : key] = marker;
    }
    try {
      this.redactor = new Redactor({
        operator: redaction?.marker_format ?? 'label',
        operators: redaction?.operators ?? {},
        markers,
        includeMetadata: redaction?.include_metadata ?? false,
        preserveLength: redaction?.preserve_length ?? false,
        maskKeep: redaction?.mask.keep ?? 'first6_last4',
        maskChar: redaction?.mask.char ?? '*',
        ...(keys ? { keys } : {}),
        ...(vault ? { vault } : {}),
      });
    } catch (error) {
      vault?.close();
      throw error;
    }
    this.includeValues = operators.has('token') || operators.has('vault') || (redaction?.include_metadata ?? false);
    this.detects = p.policies.chain.some((n) => BUILTIN.has(n));
    try {
      this.detector = createDetector(p, options.engine ?? 'auto', options.serialized);
    } catch (error) {
      vault?.close();
      throw error;
    }
  }

  /** The compiled detector database, for `new PolicyEngine(samePack, { serialized })` in a worker. */
  serialize(): Uint8Array {
    return this.detector.serialize();
  }

  /**
   * Runs the chain on one text (a prompt, a message, a log record).
   *
   * @example
   * engine.evaluate('cvv spreadsheet attached').verdict // 'blocked' under the seed pack
   */
  evaluate(text: string, context: EvaluationContext = {}): EvaluationResult {
    const s: MutableState = {
      pack: this.identity,
      context,
      text,
      verdict: 'allowed',
      counts: {},
      detectorCounts: {},
      findings: 0,
      reasons: [],
      applied: [],
      notApplied: this.notApplied as string[],
      skipped: [],
      data: {},
      startedAt: performance.now(),
      spans: [],
    };
    let current = 'chain';
    try {
      const findings = this.detects && text.length > 0 ? this.detector.detect(text, { includeValues: this.includeValues }) : [];
      const tally = count(findings);
      s.counts = tally.counts;
      s.detectorCounts = tally.detectorCounts;
      s.findings = findings.length;
      const toRedact: Finding[] = [];
      let redacted = false;
      let linkRewrote = false;
      const materialise = (): void => {
        if (redacted || toRedact.length === 0) return;
        // Spans refer to the input; once a link has rewritten the text they no longer fit it.
        if (linkRewrote) throw new Error('a link rewrote the text before built-in redaction ran');
        redacted = true;
        const out = this.redactor.redactString(text, mergeFindings(toRedact));
        s.text = out.text;
        s.spans = out.spans;
        s.verdict = 'redacted';
      };
      for (const step of this.steps) {
        current = step.name;
        if (s.verdict === 'blocked') {
          if (step.kind !== 'missing') s.skipped.push(step.name);
          continue;
        }
        if (step.kind === 'missing') continue;
        if (step.kind === 'builtin') {
          s.applied.push(step.name);
          const d: Decision = decide(this.pack, step.name, findings);
          if (d.reason !== undefined) s.reasons.push({ link: step.name, code: d.reason.code, message: d.reason.message });
          if (d.findings.length === 0) continue;
          if (d.action === 'redact') toRedact.push(...d.findings);
          else if (d.action === 'block') this.block(s, step.name);
          continue;
        }
        current = 'chain';
        materialise();
        current = step.name;
        const link = step.link;
        if (link.appliesWhen === 'provider-call' && context.providerCall !== true) {
          s.skipped.push(step.name);
          continue;
        }
        const outcome = link.evaluate(snapshot(s));
        s.applied.push(step.name);
        if (outcome === undefined) continue;
        for (const r of outcome.reasons ?? []) s.reasons.push({ link: step.name, code: r.code, message: r.message });
        if (outcome.data !== undefined) s.data[step.name] = outcome.data;
        if (outcome.block === true) this.block(s, step.name);
        else if (outcome.text !== undefined && outcome.text !== s.text) {
          s.text = outcome.text;
          s.spans = [];
          s.verdict = 'redacted';
          linkRewrote = true;
        }
      }
      current = 'chain';
      if (s.verdict !== 'blocked') materialise();
    } catch (error) {
      this.fail(s, current, error);
    }
    this.runObservers(s);
    return result(s);
  }

  /**
   * The Buffer path for logs: built-in links only (no provider call, no outside links), one
   * detector call, one copy pass. Lines (`\n`-terminated) that a blocking link hits become one
   * marker line each; other findings are redacted; every other byte is copied as it is.
   */
  scrubBytes(input: Uint8Array): BytesEvaluation {
    const source = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    const reasons: Reason[] = [];
    try {
      const findings = this.detects && source.length > 0 ? this.detector.detect(source, { includeValues: this.includeValues }) : [];
      const { counts } = count(findings);
      if (findings.length === 0) return { output: source, verdict: 'allowed', counts, findings: 0, reasons, spans: [] };
      const toRedact: Finding[] = [];
      const blocks: FixedSegment[] = [];
      for (const step of this.steps) {
        if (step.kind !== 'builtin') continue;
        const d = decide(this.pack, step.name, findings);
        if (d.reason !== undefined) reasons.push({ link: step.name, ...d.reason });
        if (d.action === 'redact') toRedact.push(...d.findings);
        else if (d.action === 'block') for (const f of d.findings) blocks.push(lineOf(source, f, step.name));
      }
      const { segments, lines } = separate(source, mergeFindings(toRedact), blocks);
      const all: (Segment | FixedSegment)[] = [...segments, ...lines].sort((a, b) => a.start - b.start);
      const out = this.redactor.redactBytes(source, all);
      const verdict: Verdict = lines.length > 0 ? 'blocked' : all.length > 0 ? 'redacted' : 'allowed';
      return { output: out.output, verdict, counts, findings: findings.length, reasons, spans: out.spans };
    } catch (error) {
      reasons.push({ link: 'chain', code: 'internal_error', message: `detection or redaction failed (${describeError(error)}); input withheld` });
      return { output: Buffer.from(`${blockMarker('internal_error')}\n`), verdict: 'blocked', counts: {}, findings: 0, reasons, spans: [] };
    }
  }

  /** Closes the vault (if any). */
  close(): void {
    this.vault?.close();
  }

  private block(s: MutableState, link: string): void {
    s.verdict = 'blocked';
    s.text = blockMarker(link);
    s.spans = [];
  }

  private fail(s: MutableState, link: string, error: unknown): void {
    const code = link === 'chain' || BUILTIN.has(link) ? 'internal_error' : 'link_failed';
    const what = code === 'link_failed' ? `link ${link} threw` : `${link} failed`;
    s.reasons.push({ link, code, message: `${what} (${describeError(error)}); input withheld` });
    this.block(s, code === 'link_failed' ? link : 'internal_error');
  }

  private runObservers(s: MutableState): void {
    for (const link of this.observers) {
      if (link.appliesWhen === 'provider-call' && s.context.providerCall !== true) {
        s.skipped.push(link.name);
        continue;
      }
      try {
        const outcome = link.evaluate(snapshot(s));
        s.applied.push(link.name);
        if (outcome === undefined) continue;
        for (const r of outcome.reasons ?? []) s.reasons.push({ link: link.name, code: r.code, message: r.message });
        if (outcome.data !== undefined) s.data[link.name] = outcome.data;
        if (outcome.block === true && s.verdict !== 'blocked') this.block(s, link.name);
      } catch (error) {
        this.fail(s, link.name, error);
      }
    }
  }
}

/** The line around a finding, as a fixed segment replaced by the block marker. `\n` stays. */
function lineOf(source: Buffer, f: Finding, link: string): FixedSegment {
  const start = f.start === 0 ? 0 : source.lastIndexOf(0x0a, f.start - 1) + 1;
  const nl = source.indexOf(0x0a, Math.max(f.start, f.end - 1));
  const end = nl < 0 ? source.length : nl;
  return { start, end: Math.max(end, f.end), replacement: blockMarker(link), type: 'blocked_line', detector: link };
}

function mergeLines(lines: FixedSegment[]): FixedSegment[] {
  lines.sort((a, b) => a.start - b.start);
  const out: FixedSegment[] = [];
  for (const l of lines) {
    const last = out[out.length - 1];
    if (last !== undefined && l.start < last.end) {
      if (l.end > last.end) out[out.length - 1] = { ...last, end: l.end };
      continue;
    }
    out.push(l);
  }
  return out;
}

/**
 * Splits work between blocked lines and redaction segments. A segment inside a blocked line goes
 * with it; a segment that straddles a blocked line's edge (a card number wrapped across lines)
 * pulls its other lines into the block, so no half of it is left in clear.
 */
function separate(source: Buffer, segments: Segment[], blocks: FixedSegment[]): { segments: Segment[]; lines: FixedSegment[] } {
  let lines = mergeLines(blocks);
  if (lines.length === 0) return { segments, lines };
  for (;;) {
    const kept: Segment[] = [];
    const grow: FixedSegment[] = [];
    let i = 0;
    for (const seg of segments) {
      while (i < lines.length && lines[i]!.end <= seg.start) i++;
      const line = lines[i];
      if (line === undefined || seg.end <= line.start) kept.push(seg);
      else if (seg.start < line.start || seg.end > line.end) {
        grow.push({ ...line, ...lineOf(source, { start: seg.start, end: seg.end } as Finding, line.detector), replacement: line.replacement });
      }
    }
    if (grow.length === 0) return { segments: kept, lines };
    lines = mergeLines([...lines, ...grow]);
  }
}
