/**
 * From one scan's matches to findings: dispatches every trigger to its detector, then resolves
 * overlaps. Work is proportional to the number of matches; each detector reads only the bytes
 * around its match.
 */
import { findCardWindows, MIN_PAN_DIGITS } from '../engine/card-windows.js';
import type { CardWindowConfig } from '../engine/types.js';
import { blockedFindings, customFindings, type CustomEntry } from './custom.js';
import { cvvAfterKeyword, cvvAfterPan } from './cvv.js';
import { normaliseRegion, regionAround } from './evasion.js';
import { expiryAfterPan, expiryAtTrigger, nestedExpiry } from './expiry.js';
import { raw, type RawFinding } from './finding.js';
import { foreignLabelFinding, isLabelAnchor, labelsNearPan, pinBlocksNearCards } from './labels.js';
import { maskedPanAround } from './masked.js';
import { choosePans, judgeWindow, type PanCandidate } from './pan.js';
import { PATTERN_ID as ID, FIRST_CUSTOM_ID } from './patterns.js';
import { isBlockKey, pinAfterKeyword } from './pin.js';
import { parseSpacedTrack2, parseTrack1, parseTrack2 } from './track.js';
import { emvTag5aPan, hexAsciiPanAfterKey, iso8583Field2Pan } from './payment-fields.js';
import { confirmCvvKey, confirmCvvPhrase, confirmExpiry, confirmExpiryLabel, confirmExpiryPhrase, confirmPin, evasionPlaces, Keyword, layoutPlaces, maskDigit, type KeywordSink } from './triggers.js';
import { isDigit } from './text.js';
import type { CardBrand, FindingType, Sensitivity } from './types.js';
import { keepBest, sortFew, SpanIndex } from './overlaps.js';

export interface AnalysisContext {
  readonly sensitivity: Sensitivity;
  readonly cardWindows: CardWindowConfig;
  readonly custom: ReadonlyMap<number, CustomEntry>;
}

/** Which finding wins when two built-in findings overlap (higher first). */
const PRIORITY: Record<FindingType, number> = {
  track1: 7,
  track2: 7,
  pan: 6,
  masked_pan: 5,
  pin_block: 4,
  cvv: 3,
  expiry: 2,
  pin: 1,
  custom: 0,
  blocked_term: 0,
};

/** How far a PAN may be from a CVV keyword for its brand to set the CVV length. */
const BRAND_REACH = 160;

/** Original bytes read after a normalised region when a track continues past it (track 1 is at most 79). */
const TRACK_TAIL = 80;

function panFinding(c: PanCandidate, evasion: boolean): RawFinding {
  return raw('pan', c.start, c.end, c.confidence, { brand: c.brand, testCard: c.testCard, evasion });
}

/**
 * Whether `b[from..to)` has room for a PAN's 12 digits: ASCII digits (escapes and entities spell
 * theirs with ASCII digits too) and non-ASCII characters (a digit of another script) counted
 * together. Most regions around a `+` or a backslash in logs have fewer; they are not normalised.
 */
function mayHoldPan(b: Uint8Array, from: number, to: number): boolean {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = b[i]!;
    if ((c >= 0x30 && c <= 0x39) || c >= 0xc0) if (++n >= MIN_PAN_DIGITS) return true;
  }
  return false;
}

/**
 * PANs hidden by evasions: normalise the region around each trigger and rerun the window pass.
 * Track data in the region (`;４１１１…=２５１２…?`, `%B4111\u200b1111…^…`, `%3B4111…%3D2512…`) is
 * parsed there too and pushed to `tracks`, at original offsets.
 */
function evasionPans(b: Uint8Array, triggers: number[], ctx: AnalysisContext, tracks: RawFinding[]): PanCandidate[] {
  const out: PanCandidate[] = [];
  let coveredTo = -1;
  for (const at of triggers.sort((x, y) => x - y)) {
    if (at < coveredTo) continue;
    const [from, to] = regionAround(b, at);
    coveredTo = to;
    if (!mayHoldPan(b, from, to)) continue;
    const region = normaliseRegion(b, from, to);
    const n = region.bytes;
    if (n.length === 0) continue;
    const toContext = (offset: number, side: 'start' | 'end'): number => {
      if (side === 'start') return offset < n.length ? region.origStart[offset]! : to;
      return offset > 0 ? region.origEnd[offset - 1]! : from;
    };
    const windows = findCardWindows(n, ctx.cardWindows);
    const candidates: PanCandidate[] = [];
    // Tracks are parsed on the region followed by the original bytes after it: a track's name field
    // (`^DOE/JOHN^`) is not obfuscation material, so the region ends inside it.
    let withTail: Uint8Array | undefined;
    const track = (parse: typeof parseTrack1, at: number): void => {
      withTail ??= Buffer.concat([n, b.subarray(to, to + TRACK_TAIL)]);
      const t = parse(withTail, at);
      if (!t) return;
      const orig = (k: number, side: 'start' | 'end'): number => (k < n.length ? (side === 'start' ? region.origStart : region.origEnd)[k]! : to + k - n.length + (side === 'end' ? 1 : 0));
      tracks.push(raw(t.type, orig(t.start, 'start'), orig(t.end - 1, 'end'), t.confidence, { brand: t.brand, testCard: t.testCard }));
    };
    for (let k = 0; k < windows.length; k += 3) {
      const c = judgeWindow(n, windows[k + 1]!, windows[k + 2]!, ctx.sensitivity, { bytes: b, toContext });
      if (c) candidates.push(c);
      const end = windows[k + 2]!;
      if (n[end] === 0x3d || (n[end]! | 0x20) === 0x64 || n[end] === 0x5e) track(n[end] === 0x5e ? parseTrack1 : parseTrack2, end);
      else if (end === n.length && b[to] === 0x5e) track(parseTrack1, end);
    }
    for (const c of choosePans(candidates)) {
      const start = region.origStart[c.start]!;
      const end = region.origEnd[c.end - 1]!;
      out.push({ ...c, start, end, evasion: true });
    }
  }
  return out;
}

/** How far after a keyword an encoded value is looked for. */
const ENCODED_VALUE_REACH = 24;

/**
 * The value after a keyword literal ending at `keyEnd`, read through the evasion normalisation when
 * an encoded or non-ASCII character follows closely: `detect` runs on the normalised text from the
 * keyword on (the keyword's end given in it) and its finding is mapped back to original offsets.
 */
function encodedValueAfter(b: Uint8Array, keyEnd: number, detect: (n: Uint8Array, keyEnd: number) => RawFinding | undefined): RawFinding | undefined {
  let p = keyEnd;
  while (p < b.length && p - keyEnd < ENCODED_VALUE_REACH && b[p]! < 0x80 && b[p] !== 0x26 && b[p] !== 0x25 && b[p] !== 0x5c) p++;
  if (p >= b.length || p - keyEnd >= ENCODED_VALUE_REACH) return undefined;
  const from = Math.max(0, keyEnd - 8);
  const region = normaliseRegion(b, from, Math.min(b.length, keyEnd + 96));
  const n = region.bytes;
  let k = 0;
  while (k < n.length && region.origStart[k]! < keyEnd) k++;
  const f = detect(n, k);
  if (!f || f.end <= k) return undefined;
  return { ...f, start: region.origStart[f.start]!, end: region.origEnd[f.end - 1]! };
}

/** The brand of the PAN nearest to `at` (within reach), if any. `pans` are disjoint, sorted by start. */
function nearbyBrand(pans: readonly RawFinding[], at: number): CardBrand | undefined {
  let best: RawFinding | undefined;
  let bestDistance = BRAND_REACH + 1;
  // Only the PANs around the first one starting after `at - BRAND_REACH` can be within reach.
  let lo = 0;
  let hi = pans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (pans[mid]!.end < at - BRAND_REACH) lo = mid + 1;
    else hi = mid;
  }
  for (let k = lo; k < pans.length && pans[k]!.start <= at + BRAND_REACH; k++) {
    const p = pans[k]!;
    const dist = at >= p.end ? at - p.end : p.start >= at ? p.start - at : 0;
    if (dist < bestDistance) {
      best = p;
      bestDistance = dist;
    }
  }
  return best?.brand;
}

/** Keeps the highest-priority finding where built-in findings overlap; sorts by start. */
export function resolveOverlaps(findings: RawFinding[]): RawFinding[] {
  // Identical built-in findings (two triggers confirming one value) overlap, so keepBest keeps one.
  const builtin: RawFinding[] = [];
  const others: RawFinding[] = [];
  for (const f of findings) (PRIORITY[f.type] > 0 ? builtin : others).push(f);
  const kept = keepBest(builtin, BY_PRIORITY);
  return sortFew(others.length === 0 ? kept : kept.concat(dedupe(others)), BY_POSITION);
}

const BY_START = (x: RawFinding, y: RawFinding): number => x.start - y.start;
/** Overlapping built-in findings: higher priority, then longer, then earlier first. */
const BY_PRIORITY = (x: RawFinding, y: RawFinding): number =>
  PRIORITY[y.type] - PRIORITY[x.type] || y.end - y.start - (x.end - x.start) || x.start - y.start;
const BY_POSITION = (x: RawFinding, y: RawFinding): number => x.start - y.start || x.end - y.end || x.detector.localeCompare(y.detector);

/**
 * Analyses the `[id, start, end]` triples of one scan of `b` (from index `from` to `to` of the
 * flat array).
 */
export function analyse(b: Uint8Array, matches: Float64Array, ctx: AnalysisContext, from = 0, to = matches.length): RawFinding[] {
  if (from >= to) return [];
  const candidates: PanCandidate[] = [];
  const found: RawFinding[] = [];
  const evasionTriggers: number[] = [];
  const keywordTriggers: number[] = []; // [Keyword, end] pairs
  const keyword: KeywordSink = (kind, end) => {
    keywordTriggers.push(kind, end);
  };
  const evasion = (place: number): void => {
    evasionTriggers.push(place);
  };
  /** PANs parsed from payment-message fields (EMV tag 5A, ISO 8583 field 2). */
  const fieldPans: RawFinding[] = [];
  // Made on first use: most inputs have no custom or masked hit.
  let customMatches: Map<number, [number, number][]> | undefined;
  let maskedSeen: Set<string> | undefined;
  let trackSeparator = -1;
  for (let k = from; k < to; k += 3) {
    const id = matches[k]!;
    const start = matches[k + 1]!;
    const end = matches[k + 2]!;
    switch (id) {
      case ID.cardWindow: {
        const c = judgeWindow(b, start, end, ctx.sensitivity);
        if (c) candidates.push(c);
        // Track 2 and its equivalents: a PAN window, `=` or `D` (`d` in lower-case hex), then YYMM.
        if ((b[end] === 0x3d || b[end] === 0x44 || b[end] === 0x64) && end !== trackSeparator && isDigit(b[end + 1]) && isDigit(b[end + 2]) && isDigit(b[end + 3]) && isDigit(b[end + 4])) {
          trackSeparator = end;
          const t = parseTrack2(b, end);
          if (t) found.push(raw(t.type, t.start, t.end, t.confidence, { brand: t.brand, testCard: t.testCard }));
        } else if (b[end] === 0x20) {
          // Track 2 with spaces around its fields inside its sentinels (`; 4111… = 2512 101 …?`).
          const t = parseSpacedTrack2(b, start, end);
          if (t) found.push(raw(t.type, t.start, t.end, t.confidence, { brand: t.brand, testCard: t.testCard }));
        }
        break;
      }
      case ID.track1Caret: {
        if (!isDigit(b[end - 2])) break;
        const t = parseTrack1(b, end - 1);
        if (t) found.push(raw(t.type, t.start, t.end, t.confidence, { brand: t.brand, testCard: t.testCard }));
        break;
      }
      case ID.maskThenDigit: {
        const digit = maskDigit(b, end);
        const m = digit < 0 ? undefined : maskedPanAround(b, digit);
        if (m && !(maskedSeen ??= new Set()).has(`${m.start}:${m.end}`)) {
          maskedSeen.add(`${m.start}:${m.end}`);
          found.push(m);
        }
        break;
      }
      case ID.cvvKeyword:
      case ID.cvvShortKeyword:
        confirmCvvKey(b, end, id === ID.cvvShortKeyword, keyword);
        break;
      case ID.cvvPhrase:
        confirmCvvPhrase(b, end, keyword); // the whole phrase is the literal
        break;
      case ID.expiryKeyword:
        confirmExpiry(b, end, keyword);
        break;
      case ID.expiryPhrase:
        confirmExpiryPhrase(b, end, keyword);
        break;
      case ID.expiryLabel:
        confirmExpiryLabel(b, end, keyword);
        break;
      case ID.pinKeyword:
        confirmPin(b, end, keyword);
        break;
      case ID.evasionHint:
        // `+` and `=` after a digit are evasion places only in their encodings (triggers.ts).
        if (b[end - 1] === 0x2b || b[end - 1] === 0x3d) layoutPlaces(b, end - 1, evasion);
        else if (b[end - 1]! >= 0x80 && isLabelAnchor(b, end)) {
          // A letter of a non-English expiry/CVV label (`期` of 有效期), hinted beside the digits.
          const f = foreignLabelFinding(b, end);
          if (f) found.push(f);
        }
        else evasionTriggers.push(end - 1); // the hinted code point's last byte
        break;
      case ID.evasionAmpersand:
      case ID.evasionPercent:
      case ID.evasionBackslash:
        evasionPlaces(b, end - 1, evasion);
        break;
      case ID.evasionControl:
        evasionTriggers.push(end - 1);
        break;
      case ID.evasionLayout:
        layoutPlaces(b, end - 4, evasion); // both literals are 4 bytes
        break;
      case ID.emvTag5a: {
        const f = emvTag5aPan(b, end - (b[end - 2] === 0x20 ? 4 : 3));
        if (f) fieldPans.push(f);
        break;
      }
      case ID.panKey: {
        const f = hexAsciiPanAfterKey(b, end);
        if (f) fieldPans.push(f);
        break;
      }
      case ID.iso8583Field2: {
        // The value follows the label after up to four of ` `, `:`, `=`.
        let at = end;
        while (at < end + 4 && (b[at] === 0x20 || b[at] === 0x3a || b[at] === 0x3d)) at++;
        const f = iso8583Field2Pan(b, at);
        if (f) fieldPans.push(f);
        break;
      }
      default:
        if (id >= FIRST_CUSTOM_ID) {
          customMatches ??= new Map();
          const list = customMatches.get(id) ?? [];
          list.push([start, end]);
          customMatches.set(id, list);
        }
    }
  }
  // PANs: plain first, then those found only through an evasion (same span: the plain one wins).
  const pans = choosePans(candidates).map((c) => panFinding(c, c.evasion));
  if (evasionTriggers.length > 0 || fieldPans.length > 0) {
    const taken = new SpanIndex();
    for (const p of pans) taken.add(p);
    const add = (f: RawFinding): void => {
      if (taken.overlaps(f.start, f.end)) return;
      taken.add(f);
      pans.push(f);
    };
    if (evasionTriggers.length > 0) for (const c of evasionPans(b, evasionTriggers, ctx, found)) add(panFinding(c, true));
    for (const f of fieldPans) add(f);
  }
  sortFew(pans, BY_START);
  found.push(...pans);
  // Expiry and CVV right after a PAN.
  for (const p of pans) {
    if (p.evasion) continue;
    const expiry = expiryAfterPan(b, p.end);
    if (expiry) found.push(expiry);
    const cvv = cvvAfterPan(b, p.end, p.brand!, expiry ? expiry.end : p.end);
    if (cvv) found.push(cvv);
  }
  // Expiry, CVV and PIN after ASCII-only labels in other languages, on a PAN's line.
  for (const p of pans) labelsNearPan(b, p, found);
  // PIN blocks in ISO 8583 field 52 of the messages that carry these cards (PANs, tracks).
  if (found.length > 0) {
    const cards = found.filter((f) => f.type === 'pan' || f.type === 'track2' || f.type === 'track1');
    if (cards.length > 0) pinBlocksNearCards(b, sortFew(cards, BY_START), found);
  }
  for (let k = 0; k < keywordTriggers.length; k += 2) {
    const kind = keywordTriggers[k]!;
    const end = keywordTriggers[k + 1]!;
    let f: RawFinding | undefined;
    if (kind === Keyword.cvv) f = cvvAfterKeyword(b, end - 3, undefined, nearbyBrand(pans, end));
    else if (kind === Keyword.cvvPhrase) f = cvvAfterKeyword(b, end, end, nearbyBrand(pans, end));
    else if (kind === Keyword.expiry || kind === Keyword.expiryPhrase) f = expiryAtTrigger(b, end - 1, kind === Keyword.expiryPhrase);
    else if (kind === Keyword.expiryNested) found.push(...(nestedExpiry(b, end) ?? []));
    else f = pinAfterKeyword(b, end, isBlockKey(b, end));
    if (f) found.push(f);
  }
  // A CVV or expiry written through an evasion (`cvv: １２３`, `exp １２/２７`): only when the input
  // had evasion places, so plain text never pays for it.
  if (evasionTriggers.length > 0) {
    for (let k = from; k < to; k += 3) {
      const id = matches[k]!;
      if (id !== ID.cvvKeyword && id !== ID.cvvShortKeyword && id !== ID.expiryKeyword) continue;
      const end = matches[k + 2]!;
      const f = encodedValueAfter(b, end, (n, keyEnd) => {
        if (id === ID.expiryKeyword) {
          let at = -1;
          confirmExpiry(n, keyEnd, (_kind, e) => (at = e));
          return at > 0 ? expiryAtTrigger(n, at - 1, false) : undefined;
        }
        let confirmed = false;
        confirmCvvKey(n, keyEnd, id === ID.cvvShortKeyword, () => (confirmed = true));
        return confirmed ? cvvAfterKeyword(n, keyEnd - 3, undefined, nearbyBrand(pans, end)) : undefined;
      });
      if (f) found.push(f);
    }
  }
  for (const [id, list] of customMatches ?? []) {
    const entry = ctx.custom.get(id);
    if (!entry) continue;
    found.push(...(entry.kind === 'custom' ? customFindings(entry.name, list) : blockedFindings(b, entry, list)));
  }
  return resolveOverlaps(found);
}

function dedupe(findings: RawFinding[]): RawFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.type}:${f.start}:${f.end}:${f.detector}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
