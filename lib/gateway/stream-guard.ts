/**
 * Guards one streamed text (a choice's `delta.content`, a tool call's arguments) as it arrives.
 *
 * Text is released as soon as nothing that follows could change how it must be redacted. Held
 * back is only a tail that could still grow into a finding:
 * - the last word (no whitespace yet after it): a DLP pattern, keyword value or card number may
 *   continue in the next chunk; at most MAX_WORD_HOLD code units of it;
 * - the last digit run with its separators (spaces included: `4111 1111 ...`), up to
 *   MAX_DIGIT_HOLD code units, which covers 19 digits with 3-unit gaps, and the digit runs within
 *   AFTER_DIGIT_HOLD before it (a PAN whose CVV is still arriving), up to MAX_CHAINED_HOLD;
 * - an open track sentinel (`%B` or `;` + digit with no `?` end sentinel yet), up to
 *   MAX_TRACK_HOLD code units, so the whole track stays together.
 *
 * Each push evaluates `context + pending` through the chain, where `context` is the last CONTEXT
 * code units of input already released (the original text, so detection sees what it would see
 * in the whole text: a keyword or a PAN before a value arriving later, `cvv: ` then `123`). Only
 * the output for `pending` is sent; findings wholly inside `context` were handled when released.
 * A finding that straddles the cut moves the cut back to the finding's start. A finding that began
 * in released context (possible only past the hold limits) has its whole marker emitted.
 *
 * A blocked verdict stops the stream: the caller sends an error event and ends the response.
 */
import type { EvaluationContext, EvaluationResult } from '../policy/chain.js';
import type { Evaluate } from './content.js';

export const CONTEXT = 64;
export const MAX_WORD_HOLD = 256;
/** Text after the last digit held back, so a keyword that FOLLOWS a number (`123 is the cvv`) still counts. */
export const AFTER_DIGIT_HOLD = 32;
/** A digit run with separators: 19 digits with 3-unit gaps fit. */
export const MAX_DIGIT_HOLD = 80;
export const MAX_TRACK_HOLD = 120;
/** Bound on a chain of held digit runs (a PAN, its expiry and CVV): holdback never exceeds it by more than one run. */
export const MAX_CHAINED_HOLD = 240;

const isSpace = (c: number): boolean =>
  c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0xa0 || (c >= 0x2000 && c <= 0x200b) || c === 0x3000;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
// Separators inside a printed card number (card-windows' list, the part that matters in prose).
const isDigitSep = (c: number): boolean =>
  c === 0x20 || c === 0x2d || c === 0x2e || c === 0x2f || c === 0x5f || c === 0xa0 || (c >= 0x2000 && c <= 0x2015) || c === 0x2212;

/** Start of the digit run whose last digit is at `d - 1`, across gaps of up to 3 separators. */
function digitRunStart(text: string, d: number): number {
  let j = d - 1;
  const limit = Math.max(0, d - MAX_DIGIT_HOLD);
  while (j > limit) {
    if (isDigit(text.charCodeAt(j - 1))) {
      j--;
      continue;
    }
    let g = j;
    while (g > limit && j - g < 3 && isDigitSep(text.charCodeAt(g - 1))) g--;
    if (g < j && g > 0 && isDigit(text.charCodeAt(g - 1))) j = g;
    else break;
  }
  return j;
}

/** Length of the prefix of `text` that no later text can change the redaction of. */
export function safeCut(text: string): number {
  const n = text.length;
  // The last word.
  let cut = n;
  while (cut > 0 && !isSpace(text.charCodeAt(cut - 1)) && n - cut < MAX_WORD_HOLD) cut--;
  // The last digit run near the end, back to its first digit across gaps of up to 3 separators;
  // and any digit run that ends within AFTER_DIGIT_HOLD before it, since what follows a number
  // (`EUR 4111… cvv: 123`: a CVV confirms the card) can still change how that number is redacted.
  let d = n;
  for (;;) {
    const lastDigit = d;
    while (d > 0 && lastDigit - d < AFTER_DIGIT_HOLD && !isDigit(text.charCodeAt(d - 1))) d--;
    if (d === 0 || !isDigit(text.charCodeAt(d - 1)) || n - d > MAX_CHAINED_HOLD) break;
    d = digitRunStart(text, d);
    cut = Math.min(cut, d);
  }
  // An open track: `%B` or `;` + digit with no `?` end sentinel after it yet.
  const from = Math.max(0, n - MAX_TRACK_HOLD);
  const tail = text.slice(from);
  const open = Math.max(tail.lastIndexOf('%B'), tail.search(/;\d[^;]*$/));
  if (open >= 0 && !tail.slice(open).includes('?')) cut = Math.min(cut, from + open);
  return cut;
}

export type GuardStep =
  | { readonly blocked: false; readonly text: string; readonly result: EvaluationResult | undefined }
  | { readonly blocked: true; readonly result: EvaluationResult };

/**
 * @example
 * const guard = new StreamGuard((t, c) => engine.evaluate(t, c), { direction: 'response' });
 * for (const delta of deltas) { const step = guard.push(delta); if (step.blocked) break; send(step.text); }
 * const last = guard.end(); if (!last.blocked) send(last.text);
 */
export class StreamGuard {
  private readonly evaluate: Evaluate;
  private readonly context: EvaluationContext;
  private released = '';
  private pending = '';

  constructor(evaluate: Evaluate, context: EvaluationContext) {
    this.evaluate = evaluate;
    this.context = context;
  }

  /** Adds a chunk; returns the text that is safe to send now (possibly empty). */
  push(chunk: string): GuardStep {
    this.pending += chunk;
    return this.release(safeCut(this.pending));
  }

  /** The stream ended: releases everything still held. */
  end(): GuardStep {
    return this.release(this.pending.length);
  }

  /** Text received but not yet released. */
  get held(): number {
    return this.pending.length;
  }

  private release(cut: number): GuardStep {
    if (cut === 0) return { blocked: false, text: '', result: undefined };
    const ctx = this.released;
    const window = ctx + this.pending;
    const result = this.evaluate(window, this.context);
    if (result.verdict === 'blocked') return { blocked: true, result };
    const s = ctx.length;
    let c = s + cut;
    if (result.verdict !== 'redacted' || result.spans.length === 0) {
      return this.advance(ctx, cut, window.slice(s, c), result);
    }
    // A finding across the cut is held back whole.
    for (const span of result.spans) {
      if (span.inputStart < c && span.inputEnd > c) c = Math.max(s, span.inputStart);
    }
    if (c === s) return { blocked: false, text: '', result };
    // Map input positions s and c (never inside a span now, except s for a finding that began in
    // released context, whose whole marker is emitted) to output positions.
    let outStart = -1;
    let shiftS = 0;
    let shiftC = 0;
    for (const span of result.spans) {
      const delta = span.end - span.start - (span.inputEnd - span.inputStart);
      if (span.inputStart < s && span.inputEnd > s) outStart = span.start;
      if (span.inputEnd <= s) shiftS += delta;
      if (span.inputEnd <= c) shiftC += delta;
    }
    if (outStart < 0) outStart = s + shiftS;
    return this.advance(ctx, c - s, result.text.slice(outStart, c + shiftC), result);
  }

  private advance(ctx: string, consumed: number, text: string, result: EvaluationResult): GuardStep {
    this.released = (ctx + this.pending.slice(0, consumed)).slice(-CONTEXT);
    this.pending = this.pending.slice(consumed);
    return { blocked: false, text, result };
  }
}
