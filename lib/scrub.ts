/**
 * The one-call API and the Scrubber: card data out of text and log bytes under a pack.
 *
 * `scrub(text)` is the shortest path (built-in default pack: PCI detectors, label redaction).
 * `Scrubber` holds one compiled pack for repeated use: `scrubText` runs the full chain,
 * `scrubBuffer` is the log path (bytes in, bytes out, untouched bytes copied as they are, one
 * detector call per buffer), and `toWorkerData`/`fromWorkerData` move it to worker threads
 * without recompiling. The full pack API (`PolicyEngine`, outside links, verdict details) is
 * `scrubber.policy`.
 *
 * Fail closed: if detection or redaction fails, the output is a block marker, never the input.
 */
import type { EngineKind } from './engine/types.js';
import { blockMarker, PolicyEngine, type LinkImplementation } from './policy/engine.js';
import { defaultPack } from './policy/default-pack.js';
import { loadPack } from './policy/load.js';
import type { Pack, PackInput } from './policy/schema.js';
import type { Reason, Verdict } from './policy/chain.js';
import type { VaultAuditEvent } from './redaction/vault.js';

/** Findings without redaction, with the default detector (lib/detectors). */
export { detect } from './detectors/detector.js';

export interface ScrubResult<T> {
  readonly output: T;
  readonly verdict: Verdict;
  /** Findings per finding type (masked PANs included, as `masked_pan`). */
  readonly counts: Record<string, number>;
  readonly findings: number;
  /** Why: stable codes per link, never values. */
  readonly reasons: readonly Reason[];
  /** Links the pack names that were not applied to this call (no implementation, or not on this path). */
  readonly notApplied: readonly string[];
}

export interface ScrubberOptions {
  /** A pack (validated, or an object as written) or a YAML file path; default: the built-in pack. */
  readonly pack?: Pack | PackInput | string;
  readonly engine?: 'auto' | EngineKind;
  /** Outside links for `scrubText` (`data-routing-policy`, `audit-logger`). */
  readonly links?: { readonly 'data-routing-policy'?: LinkImplementation; readonly 'audit-logger'?: LinkImplementation };
  /** Where `secret_key_ref: {env}` keys are read (default `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
  /** The vault's audit sink (needed to detokenize). */
  readonly onVaultAudit?: (event: VaultAuditEvent) => void;
}

/** Everything a worker thread needs to rebuild an equal Scrubber; structured-clone friendly. */
export interface ScrubberWorkerData {
  readonly pack: Pack;
  /** The compiled detector database (`Detector.serialize()`). */
  readonly database: Uint8Array;
  readonly engine: EngineKind;
}

/**
 * @example
 * const scrubber = Scrubber.create({ pack: 'packs/pci-ai-governance.yaml' });
 * scrubber.scrubText('card 4111 1111 1111 1111').output // 'card [REDACTED:PAN brand=visa last4=1111]'
 * scrubber.scrubBuffer(Buffer.from('ok\ncvv spreadsheet\n')).output.toString() // 'ok\n[BLOCKED:dlp-filter]\n'
 */
export class Scrubber {
  readonly pack: Pack;
  /** The full pack API: verdicts, reasons, spans, outside links, the vault. */
  readonly policy: PolicyEngine;
  /** Links never applied on the Buffer path (it runs the built-in links only). */
  private readonly bufferNotApplied: readonly string[];

  private constructor(policy: PolicyEngine) {
    this.policy = policy;
    this.pack = policy.pack;
    this.bufferNotApplied = Object.freeze(policy.pack.policies.chain.filter((n) => n !== 'pii-detector' && n !== 'dlp-filter'));
  }

  /**
   * Compiles a pack. All configuration errors surface here (typed, with codes).
   *
   * @throws PolicyError / RedactionError (see PolicyEngine).
   */
  static create(options: ScrubberOptions = {}): Scrubber {
    const pack = options.pack === undefined ? defaultPack() : typeof options.pack === 'string' ? loadPack(options.pack) : options.pack;
    return new Scrubber(
      new PolicyEngine(pack, {
        engine: options.engine ?? 'auto',
        ...(options.links ? { links: options.links } : {}),
        ...(options.env ? { env: options.env } : {}),
        ...(options.onVaultAudit ? { onVaultAudit: options.onVaultAudit } : {}),
      }),
    );
  }

  /** Rebuilds a Scrubber from `toWorkerData()` without compiling. Outside links are not carried. */
  static fromWorkerData(data: ScrubberWorkerData): Scrubber {
    return new Scrubber(new PolicyEngine(data.pack, { engine: data.engine, serialized: data.database }));
  }

  /** Runs the full chain on a text. Blocked: the output is a block marker. */
  scrubText(text: string): ScrubResult<string> {
    const r = this.policy.evaluate(text);
    return { output: r.text, verdict: r.verdict, counts: { ...r.counts }, findings: r.findings, reasons: r.reasons, notApplied: r.notApplied };
  }

  /**
   * Log bytes in, bytes out. Lines (`\n`-terminated) the DLP filter blocks become one marker line;
   * everything else is redacted per the pack; bytes outside redacted spans (binary, invalid UTF-8)
   * pass through byte for byte. With nothing found, the output shares the input's memory.
   */
  scrubBuffer(input: Uint8Array): ScrubResult<Buffer> {
    const r = this.policy.scrubBytes(input);
    return { output: r.output, verdict: r.verdict, counts: r.counts, findings: r.findings, reasons: r.reasons, notApplied: this.bufferNotApplied };
  }

  /** For worker threads: the pack and the compiled database. */
  toWorkerData(): ScrubberWorkerData {
    return { pack: this.pack, database: this.policy.serialize(), engine: this.policy.detector.engine };
  }

  /** Releases the vault connection, if any. */
  close(): void {
    this.policy.close();
  }
}

let defaultScrubber: Scrubber | undefined;
const byPath = new Map<string, Scrubber>();
const byPack = new WeakMap<object, Scrubber>();

function scrubberFor(pack: Pack | PackInput | string | undefined): Scrubber {
  if (pack === undefined) return (defaultScrubber ??= Scrubber.create());
  if (typeof pack === 'string') {
    let s = byPath.get(pack);
    if (s === undefined) byPath.set(pack, (s = Scrubber.create({ pack })));
    return s;
  }
  let s = byPack.get(pack);
  if (s === undefined) byPack.set(pack, (s = Scrubber.create({ pack })));
  return s;
}

/**
 * Redacts card data from a text in one call (default pack unless one is given; compiled once and
 * cached per pack). Blocked text comes back as a block marker such as `[BLOCKED:dlp-filter]`.
 *
 * @example
 * scrub('paid with 4111-1111-1111-1111, cvv 123') // 'paid with [REDACTED:PAN], cvv [REDACTED:CVV]'
 */
export function scrub(text: string, options: { readonly pack?: Pack | PackInput | string } = {}): string {
  try {
    return scrubberFor(options.pack).scrubText(text).output;
  } catch (error) {
    // Configuration errors (bad pack, missing key) are the caller's to fix: rethrow them.
    if (error instanceof Error && typeof (error as { code?: unknown }).code === 'string') throw error;
    return blockMarker('internal_error');
  }
}
