/**
 * Scans one file (gzip decompressed) for card data with bounded memory, reporting line and column
 * of each finding. Reuses the Segmenter: a cut is taken only where the Detector reports the same
 * findings whether the window around it is scanned whole or in two halves.
 */
import { createReadStream } from 'node:fs';
import type { Detector } from '../detectors/detector.js';
import type { Finding } from '../detectors/types.js';
import { Segmenter, type CutCheck } from '../stream/segmenter.js';
import { decodeInput } from '../workers/gzip.js';
import { maskedValue } from './mask.js';

export interface ScanFinding {
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based, in Unicode code points. */
  readonly column: number;
  readonly endLine: number;
  /** 1-based, exclusive, in Unicode code points. */
  readonly endColumn: number;
  readonly type: Finding['type'];
  readonly brand?: Finding['brand'];
  /** Masked: never a full card number, never CVV, track or PIN data. */
  readonly masked: string;
  readonly detector: string;
  readonly confidence: number;
  readonly testCard: boolean;
}

type FindingSource = Pick<Detector, 'detect'>;

const NEWLINE = 0x0a;

export async function scanFile(path: string, detector: FindingSource, includeMasked: boolean): Promise<ScanFinding[]> {
  const { source } = await decodeInput(createReadStream(path, { highWaterMark: 1 << 20 }));
  const segmenter = new Segmenter(detectorCutCheck(detector));
  const out: ScanFinding[] = [];
  let firstLine = 1;
  const scan = (segment: Buffer): void => {
    firstLine = scanSegment(path, segment, firstLine, detector, includeMasked, out);
  };
  for await (const chunk of source) {
    const segment = segmenter.push(chunk);
    if (segment) scan(segment);
  }
  const rest = segmenter.end();
  if (rest) scan(rest);
  return out;
}

/** Appends the segment's findings to `out`; returns the line number the next segment starts at. */
function scanSegment(
  file: string,
  segment: Buffer,
  firstLine: number,
  detector: FindingSource,
  includeMasked: boolean,
  out: ScanFinding[],
): number {
  const findings = detector.detect(segment, { includeValues: true });
  const cursor = { offset: 0, line: firstLine, lineStart: 0 };
  const positionOf = (offset: number): { line: number; column: number } => {
    for (;;) {
      const newline = segment.indexOf(NEWLINE, cursor.offset);
      if (newline < 0 || newline >= offset) break;
      cursor.line++;
      cursor.lineStart = newline + 1;
      cursor.offset = newline + 1;
    }
    cursor.offset = Math.max(cursor.offset, Math.min(offset, segment.length));
    const column = [...segment.toString('utf8', cursor.lineStart, offset)].length + 1;
    return { line: cursor.line, column };
  };
  // The cursor only moves forward, so findings are visited by start offset.
  const sorted = [...findings].sort((a, b) => a.start - b.start);
  for (const finding of sorted) {
    if (finding.type === 'masked_pan' && !includeMasked) continue;
    const start = positionOf(finding.start);
    const saved = { ...cursor };
    const end = positionOf(finding.end);
    Object.assign(cursor, saved);
    out.push({
      file,
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
      type: finding.type,
      ...(finding.brand !== undefined ? { brand: finding.brand } : {}),
      masked: maskedValue(finding),
      detector: finding.detector,
      confidence: finding.confidence,
      testCard: finding.flags.testCard,
    });
  }
  let lines = firstLine;
  for (let i = segment.indexOf(NEWLINE); i >= 0; i = segment.indexOf(NEWLINE, i + 1)) lines++;
  return lines;
}

/** A cut is safe when the window's findings are the same scanned whole or in two halves. */
export function detectorCutCheck(detector: FindingSource): CutCheck {
  const key = (f: Finding, shift: number): string => `${f.type}:${f.start + shift}:${f.end + shift}:${f.brand ?? ''}`;
  return (left, right, both) => {
    const whole = detector.detect(both).map((f) => key(f, 0));
    const split = [...detector.detect(left).map((f) => key(f, 0)), ...detector.detect(right).map((f) => key(f, left.length))];
    if (whole.length !== split.length) return false;
    whole.sort();
    split.sort();
    return whole.every((k, i) => k === split[i]);
  };
}
