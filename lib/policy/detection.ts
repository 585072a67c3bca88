/**
 * The one place the policy layer builds a Detector, and the mapping from a pack to its options.
 *
 * Built-in PCI patterns, the DLP filter's `detect_patterns` and its `blocked_terms` go into ONE
 * detector (one database, one scan per input). A pattern the engine cannot compile is reported by
 * name and by its place in the pack; to find which one failed whatever the engine's error says,
 * the patterns are compiled one by one, on that error path only.
 */
import { Detector } from '../detectors/detector.js';
import type { BlockedTerm, CustomPattern, DetectorOptions, Sensitivity } from '../detectors/types.js';
import type { EngineKind } from '../engine/types.js';
import { PolicyError, type PackIssue } from './errors.js';
import { packIssue } from './load.js';
import type { Pack } from './schema.js';

export type { Detector };

const STRICTNESS: readonly Sensitivity[] = ['standard', 'high', 'restricted'];

/** Detector options for a pack: the stricter sensitivity of its two detecting links. */
export function detectorOptions(pack: Pack, engine: 'auto' | EngineKind = 'auto'): DetectorOptions {
  const chain = pack.policies.chain;
  const pii = pack.policy['pii-detector'];
  const dlp = chain.includes('dlp-filter') ? pack.policy['dlp-filter'] : undefined;
  const levels = [pii?.sensitivity ?? 'standard', dlp?.sensitivity_level ?? 'standard'];
  const sensitivity = STRICTNESS[Math.max(...levels.map((l) => STRICTNESS.indexOf(l)))] ?? 'standard';
  const customPatterns: CustomPattern[] = (dlp?.detect_patterns ?? []).map((p) =>
    typeof p === 'string' ? { name: p, expression: p } : { name: p.name, expression: p.pattern, caseless: p.caseless },
  );
  const blockedTerms: BlockedTerm[] = (dlp?.blocked_terms ?? []).map((term) => ({
    term,
    maxDistance: dlp?.fuzzy_matching === true ? dlp.max_distance : 0,
  }));
  return { sensitivity, customPatterns, blockedTerms, engine };
}

function failingPatterns(pack: Pack, options: DetectorOptions): { issue: PackIssue; text: string }[] {
  const issues: { issue: PackIssue; text: string }[] = [];
  const check = (path: (string | number)[], opts: DetectorOptions, what: string): void => {
    try {
      new Detector(opts);
    } catch (error) {
      // The engine's message names internal ids; keep only what it says about the expression.
      const first = (error as Error).message.split('\n')[0] ?? '';
      const at = first.lastIndexOf('compile: ');
      const reason = at < 0 ? first : first.slice(at + 'compile: '.length);
      issues.push(packIssue(pack, path, `${what} cannot be compiled: ${reason}`));
    }
  };
  const base: DetectorOptions = { sensitivity: options.sensitivity ?? 'standard', engine: options.engine ?? 'auto' };
  (options.customPatterns ?? []).forEach((p, i) => {
    check(['policy', 'dlp-filter', 'detect_patterns', i], { ...base, customPatterns: [p] }, `pattern "${p.name}"`);
  });
  (options.blockedTerms ?? []).forEach((t, i) => {
    check(['policy', 'dlp-filter', 'blocked_terms', i], { ...base, blockedTerms: [t] }, `blocked term #${i + 1}`);
  });
  return issues;
}

/**
 * Builds the pack's detector (or rebuilds it from a serialized database without compiling).
 *
 * @throws PolicyError `ERR_PATTERN_INVALID` naming each pattern the engine rejects.
 */
export function createDetector(pack: Pack, engine: 'auto' | EngineKind = 'auto', serialized?: Uint8Array): Detector {
  const options = detectorOptions(pack, engine);
  try {
    return new Detector(serialized === undefined ? options : { ...options, serialized });
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (serialized !== undefined || code !== 'ERR_PATTERN_COMPILE') throw error;
    const failing = failingPatterns(pack, options);
    const lines = failing.length > 0 ? failing.map((f) => `  ${f.text}`) : [`  ${(error as Error).message}`];
    throw new PolicyError(
      'ERR_PATTERN_INVALID',
      `pack "${pack.pack.name}": DLP pattern rejected by the engine\n${lines.join('\n')}`,
      failing.map((f) => f.issue),
      { cause: error },
    );
  }
}
