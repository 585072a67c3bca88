/**
 * The pattern sets the engine suites scan with.
 *
 * LITERAL_SET is the "literal-anchored set" of the Node-vs-C++ goal: four PCI rules that each start
 * with a keyword or sentinel (PERFORMANCE.md: Hyperscan's strong case, 4.5-5.5 GB/s in C++), so
 * the scan is fast and the N-API boundary is what the comparison exposes. The built-in set
 * (lib/detectors/patterns.ts, card windows included) is the one the product runs.
 */
import type { PatternSpec } from '../../lib/engine/types.js';

export const LITERAL_SET: readonly PatternSpec[] = [
  { id: 1, expression: '\\b(?:cvv2?|cvc2?|cid)\\b', flags: { caseless: true } },
  { id: 2, expression: '\\b(?:expiry|exp_date|valid thru)\\b', flags: { caseless: true } },
  { id: 3, expression: '%B\\d{12,19}\\^' },
  { id: 4, expression: ';\\d{12,19}=' },
];

/** The same rules as one V8 RegExp (what the pure-JS contender of the literal set runs). */
export const LITERAL_SET_REGEXP =
  /\b(?:[Cc][Vv][Vv]2?|[Cc][Vv][Cc]2?|[Cc][Ii][Dd])\b|\b(?:[Ee][Xx][Pp][Ii][Rr][Yy]|[Ee][Xx][Pp]_[Dd][Aa][Tt][Ee]|[Vv][Aa][Ll][Ii][Dd] [Tt][Hh][Rr][Uu])\b|%B\d{12,19}\^|;\d{12,19}=/g;

/** Counts LITERAL_SET_REGEXP matches in bytes read as latin1 (offsets stay bytes). */
export function jsLiteralScan(bytes: Buffer): number {
  const text = bytes.toString('latin1');
  const re = LITERAL_SET_REGEXP;
  re.lastIndex = 0;
  let count = 0;
  while (re.exec(text) !== null) count++;
  return count;
}
