/**
 * What the two built-in links do with the findings of the shared detector call.
 *
 * `pii-detector` acts on card data (every finding type except the DLP filter's `custom` and
 * `blocked_term`); `dlp-filter` on its own patterns and terms. Each applies its pack `action`:
 * `redact` (hand the findings to the redactor), `block` (withhold the text, or the line for logs) or
 * `log` (count and give a reason, change nothing). Already-masked findings are counted, never acted
 * on. Reasons carry counts by type, never values.
 */
import type { Finding } from '../detectors/types.js';
import { isMasked } from '../redaction/merge.js';
import type { LinkReason } from './chain.js';
import type { Pack } from './schema.js';

export type BuiltinLink = 'pii-detector' | 'dlp-filter';
export type Action = 'redact' | 'block' | 'log' | 'off';

export interface Decision {
  readonly action: Action;
  /** Findings the action applies to (masked ones excluded). */
  readonly findings: readonly Finding[];
  readonly reason?: LinkReason;
}

const DLP_TYPES: ReadonlySet<string> = new Set(['custom', 'blocked_term']);

/** Which link owns a finding. */
export function ownerOf(finding: Finding): BuiltinLink {
  return DLP_TYPES.has(finding.type) ? 'dlp-filter' : 'pii-detector';
}

/** The action a built-in link takes for this pack. */
export function actionOf(pack: Pack, link: BuiltinLink): Action {
  if (link === 'pii-detector') {
    const pii = pack.policy['pii-detector'];
    if (pii?.pci_mode === false) return 'off';
    return pii?.action ?? 'redact';
  }
  return pack.policy['dlp-filter']?.action ?? 'block';
}

/** `pan 1, cvv 1`: counts by type, types in order of first appearance. */
function summary(findings: readonly Finding[]): string {
  // Two parallel arrays rather than a Map and its spread: a handful of types, once per evaluation.
  const types: string[] = [];
  const counts: number[] = [];
  for (const f of findings) {
    const i = types.indexOf(f.type);
    if (i < 0) {
      types.push(f.type);
      counts.push(1);
    } else counts[i]! += 1;
  }
  let text = '';
  for (let i = 0; i < types.length; i++) text += `${i === 0 ? '' : ', '}${types[i]} ${counts[i]}`;
  return text;
}

const CODES: Record<BuiltinLink, Record<Exclude<Action, 'off'>, string>> = {
  'pii-detector': { redact: 'card_data_redacted', block: 'card_data_blocked', log: 'card_data_logged' },
  'dlp-filter': { redact: 'dlp_redacted', block: 'dlp_blocked', log: 'dlp_logged' },
};

const VERBS: Record<Exclude<Action, 'off'>, string> = { redact: 'redacted', block: 'blocked', log: 'logged only' };

/**
 * The decision of one built-in link over the findings it owns.
 *
 * @example
 * decide(pack, 'dlp-filter', findings) // { action: 'block', findings: [...], reason: { code: 'dlp_blocked', ... } }
 */
export function decide(pack: Pack, link: BuiltinLink, all: readonly Finding[]): Decision {
  const action = actionOf(pack, link);
  const findings = all.filter((f) => ownerOf(f) === link && !isMasked(f));
  if (findings.length === 0) return { action, findings };
  if (action === 'off') {
    return { action, findings, reason: { code: 'pci_mode_off', message: `pci_mode is off: ${findings.length} card-data finding(s) left as they are (${summary(findings)})` } };
  }
  return { action, findings, reason: { code: CODES[link][action], message: `${findings.length} finding(s) ${VERBS[action]}: ${summary(findings)}` } };
}
