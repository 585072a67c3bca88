/**
 * JSON-lines scrubbing: every output line that was valid JSON stays valid JSON.
 *
 * A line with nothing to redact is copied byte for byte. A line with findings is scrubbed as text
 * first; when that output still parses (the usual case: a PAN inside a string value becomes a
 * marker inside the same string) it is kept, so the line's layout survives. Otherwise (a blocked
 * line, a card number stored as a JSON number, a redaction across a quote) the line is parsed,
 * every string key and value scrubbed on its own, and the object re-serialised. Lines that are not
 * valid JSON are scrubbed as text. A blocked JSON line becomes `{"cardveil":"<block marker>"}`.
 */
import { worseVerdict } from './summary.js';
import type { BufferScrubber, ScrubOutcome, Verdict } from './types.js';

const NEWLINE = 0x0a;
const CR = 0x0d;

/**
 * Scrubs a segment of whole JSON lines. Clean segments cost one scan; per-line work happens only
 * in segments with findings.
 */
export function scrubJsonl(scrubber: BufferScrubber, segment: Uint8Array): ScrubOutcome<Buffer> {
  const whole = scrubber.scrubBuffer(segment);
  if (whole.findings === 0 && whole.verdict === 'allowed') return whole;

  const parts: Buffer[] = [];
  const counts: Record<string, number> = {};
  let findings = 0;
  let verdict: Verdict = 'allowed';
  const reasons: { readonly code: string }[] = [];
  const bytes = Buffer.from(segment.buffer, segment.byteOffset, segment.length);
  for (let start = 0; start < bytes.length; ) {
    const newline = bytes.indexOf(NEWLINE, start);
    const end = newline < 0 ? bytes.length : newline + 1;
    const result = scrubJsonLine(scrubber, bytes.subarray(start, end));
    parts.push(result.output);
    for (const [type, n] of Object.entries(result.counts)) counts[type] = (counts[type] ?? 0) + n;
    findings += result.findings;
    verdict = worseVerdict(verdict, result.verdict);
    if (result.reasons) reasons.push(...result.reasons);
    start = end;
  }
  return { output: Buffer.concat(parts), verdict, counts, findings, reasons };
}

/** One line, terminator included (if any). */
function scrubJsonLine(scrubber: BufferScrubber, line: Buffer): ScrubOutcome<Buffer> {
  const asText = scrubber.scrubBuffer(line);
  if (asText.findings === 0 && asText.verdict === 'allowed') return asText;

  const bodyEnd = lineBodyEnd(line);
  if (asText.verdict !== 'blocked' && parses(asText.output.toString('utf8', 0, lineBodyEnd(asText.output)))) {
    return asText;
  }
  let value: unknown;
  try {
    value = JSON.parse(line.toString('utf8', 0, bodyEnd));
  } catch {
    return asText; // not JSON: scrubbed as text
  }
  const state: WalkState = { counts: {}, findings: 0, verdict: 'allowed', reasons: [] };
  const scrubbed = walk(scrubber, value, state);
  const body =
    state.verdict === 'blocked'
      ? JSON.stringify({ cardveil: state.marker ?? 'blocked' })
      : JSON.stringify(scrubbed);
  const output = Buffer.concat([Buffer.from(body, 'utf8'), line.subarray(bodyEnd)]);
  return { output, verdict: state.verdict, counts: state.counts, findings: state.findings, reasons: state.reasons };
}

function lineBodyEnd(line: Buffer): number {
  let end = line.length;
  if (end > 0 && line[end - 1] === NEWLINE) end--;
  if (end > 0 && line[end - 1] === CR) end--;
  return end;
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

interface WalkState {
  counts: Record<string, number>;
  findings: number;
  verdict: Verdict;
  reasons: { readonly code: string }[];
  /** The block marker of the first blocked string (e.g. `[BLOCKED:dlp-filter]`). */
  marker?: string;
}

function walk(scrubber: BufferScrubber, value: unknown, state: WalkState): unknown {
  if (typeof value === 'string') return scrubString(scrubber, value, state);
  if (Array.isArray(value)) return value.map((item) => walk(scrubber, item, state));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[scrubString(scrubber, key, state)] = walk(scrubber, item, state);
    return out;
  }
  if (typeof value === 'number') return scrubNumber(scrubber, value, state);
  return value;
}

/**
 * A card number stored as a JSON number. Integers past 2^53 lost digits in JSON.parse, so their
 * text no longer shows what the line held: long ones (13+ digits, card-number length) are replaced
 * by a marker string rather than re-serialised with most of the original digits.
 */
function scrubNumber(scrubber: BufferScrubber, value: number, state: WalkState): unknown {
  if (Number.isInteger(value) && !Number.isSafeInteger(value) && Math.abs(value) >= 1e12) {
    state.counts['unverifiable_number'] = (state.counts['unverifiable_number'] ?? 0) + 1;
    state.findings += 1;
    state.verdict = worseVerdict(state.verdict, 'redacted');
    return '[REDACTED:NUMBER]';
  }
  const text = String(value);
  const result = scrubber.scrubText(text);
  if (result.findings === 0) return value;
  return scrubString(scrubber, text, state);
}

function scrubString(scrubber: BufferScrubber, text: string, state: WalkState): string {
  const result = scrubber.scrubText(text);
  for (const [type, n] of Object.entries(result.counts)) state.counts[type] = (state.counts[type] ?? 0) + n;
  state.findings += result.findings;
  state.verdict = worseVerdict(state.verdict, result.verdict);
  if (result.reasons) state.reasons.push(...result.reasons);
  if (result.verdict === 'blocked') state.marker ??= result.output;
  return result.output;
}
