/**
 * Verifies a trail end to end: every record's hash, the chain of `prev` links and the sequence
 * numbers, across rotated files. It reports every problem it finds (not just the first): after a
 * bad record it resynchronises on that record's stored hash and sequence number, so one edited
 * record is reported once, not as a cascade.
 *
 * What it can tell apart: an edited record (`hash_mismatch`), records removed (`records_missing`,
 * `chain_break`), records out of order (`out_of_order`), a damaged line (`malformed`), a trail whose
 * first records are gone (`missing_start`), and HMAC records checked without the key
 * (`key_required`) or plain records in a trail verified with a key (`alg_mismatch`, a downgrade).
 * Removing records from the END leaves a valid shorter chain; pass a head hash kept elsewhere as
 * `anchor` (the writer exposes `head`; `verify` prints it) and a trail without that record fails
 * with `anchor_missing`.
 */
import { trailFiles } from './files.js';
import { trailLines } from './lines.js';
import { checkLine } from './seal.js';

export type ProblemCode =
  | 'malformed'
  | 'hash_mismatch'
  | 'key_required'
  | 'alg_mismatch'
  | 'missing_start'
  | 'records_missing'
  | 'out_of_order'
  | 'chain_break'
  | 'anchor_missing';

export interface VerifyProblem {
  readonly file: string;
  readonly line: number;
  /** The record's sequence number when it could be read. */
  readonly seq?: number;
  readonly code: ProblemCode;
  readonly message: string;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly records: number;
  readonly files: readonly string[];
  readonly problems: readonly VerifyProblem[];
  /** Sequence number and hash of the last record. */
  readonly lastSeq: number;
  readonly head: string;
}

/**
 * @example
 * const report = await verifyTrail('cardveil-audit.jsonl');
 * if (!report.ok) for (const p of report.problems) console.error(`${p.file}:${p.line} ${p.message}`);
 */
export async function verifyTrail(path: string, options: { key?: Buffer; anchor?: string } = {}): Promise<VerifyReport> {
  const key = options.key;
  let anchorSeen = options.anchor === undefined;
  const problems: VerifyProblem[] = [];
  let records = 0;
  let first = true;
  let prevHash: string | undefined;
  let expectSeq: number | undefined;
  let lastSeq = 0;
  let head = '';

  for await (const { file, line, text } of trailLines(path)) {
    const report = (code: ProblemCode, message: string, seq?: number): void => {
      problems.push({ file, line, ...(seq === undefined ? {} : { seq }), code, message });
    };
    records += 1;
    const check = checkLine(text, key);
    const stored = check.record;
    const seq = typeof stored?.seq === 'number' ? stored.seq : undefined;
    if (!check.ok) {
      report(check.code, check.message, seq);
      // Resynchronise on what the record claims, so the next record is judged on its own.
      prevHash = typeof stored?.hash === 'string' ? stored.hash : undefined;
      expectSeq = seq === undefined ? undefined : seq + 1;
      first = false;
      continue;
    }
    const r = check.record;
    if (seq === undefined || typeof r.prev !== 'string') {
      report('malformed', 'record has no numeric "seq" or string "prev"');
      prevHash = check.hash;
      expectSeq = undefined;
      first = false;
      continue;
    }
    if (key !== undefined && r.alg !== 'hmac-sha256') {
      report('alg_mismatch', `record is chained with ${String(r.alg)}, not HMAC: it may have been forged without the key`, seq);
    }
    if (first) {
      if (seq !== 1 || r.prev !== '') {
        report('missing_start', `trail starts at seq ${seq}: records 1 to ${seq - 1} are missing (removed or pruned)`, seq);
      }
    } else if (expectSeq !== undefined && seq > expectSeq) {
      const n = seq - expectSeq;
      report('records_missing', `seq ${seq} follows seq ${expectSeq - 1}: ${n} record${n === 1 ? '' : 's'} removed`, seq);
    } else if (expectSeq !== undefined && seq < expectSeq) {
      report('out_of_order', `seq ${seq} follows seq ${expectSeq - 1}: records reordered or replayed`, seq);
    } else if (prevHash !== undefined && r.prev !== prevHash) {
      report('chain_break', 'prev does not match the hash of the record before it: records removed, inserted or replaced', seq);
    }
    first = false;
    if (check.hash === options.anchor) anchorSeen = true;
    prevHash = check.hash;
    expectSeq = seq + 1;
    lastSeq = seq;
    head = check.hash;
  }
  if (!anchorSeen) {
    const last = trailFiles(path).at(-1)!.path;
    problems.push({
      file: last,
      line: 0,
      code: 'anchor_missing',
      message: 'no record has the expected head hash: records were removed from the end, or the trail was replaced',
    });
  }
  return {
    ok: problems.length === 0,
    records,
    files: trailFiles(path).map((f) => f.path),
    problems,
    lastSeq,
    head,
  };
}
