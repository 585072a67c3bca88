/**
 * `cardveil audit verify`, `cardveil events`, `cardveil export`: the trail's command-line face.
 * Data goes to stdout, diagnostics to stderr. Exit codes: 0 ok, 1 the trail failed verification,
 * 2 usage, 78 bad configuration (missing key, unreadable or invalid pack).
 */
import { closeSync, createWriteStream, openSync, readSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import type { Writable } from 'node:stream';
import { loadPack } from '../policy/load.js';
import type { SecretRef } from '../routing/schema.js';
import { resolveSecret } from '../routing/secret.js';
import { auditLoggerSchema } from './schema.js';
import { CSV_COLUMNS, csvRow } from './csv.js';
import { trailFiles } from './files.js';
import { matches, parseTime, readRecords, type RecordFilter } from './query.js';
import { verifyTrail } from './verify.js';

const DEFAULT_PATH = 'cardveil-audit.jsonl';
const VERDICTS = ['allowed', 'redacted', 'blocked'];

class UsageError extends Error {}

function usage(message: string, help: string): number {
  process.stderr.write(`cardveil: ${message}\n${help}`);
  return 2;
}

function write(out: Writable, text: string): Promise<void> | void {
  if (!out.write(text)) return once(out, 'drain').then(() => undefined);
}

function filterFrom(values: { since?: string; until?: string; verdict?: string[] }): RecordFilter {
  const time = (name: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    const t = parseTime(text);
    if (t === undefined) throw new UsageError(`--${name} expects an ISO time (2026-11-27T10:00:00Z) or a duration (15m, 2h, 7d); got "${text}"`);
    return t;
  };
  for (const v of values.verdict ?? []) {
    if (!VERDICTS.includes(v)) throw new UsageError(`--verdict expects one of ${VERDICTS.join(', ')}; got "${v}"`);
  }
  const since = time('since', values.since);
  const until = time('until', values.until);
  return {
    ...(since === undefined ? {} : { since }),
    ...(until === undefined ? {} : { until }),
    ...(values.verdict === undefined ? {} : { verdicts: values.verdict }),
  };
}

/** The trail path and HMAC key reference from a pack's audit-logger block. */
function fromPack(file: string): { path: string; keyRef: SecretRef | undefined } {
  const config = loadPack(file).policy['audit-logger'] ?? auditLoggerSchema.parse({});
  return { path: config.path, keyRef: config.hmac_key_ref };
}

/** FILE, else the pack's trail, else the default path; undefined (after saying why) on a bad pack. */
function trailPath(positional: string | undefined, pack: string | undefined): string | undefined {
  try {
    return positional ?? (pack === undefined ? DEFAULT_PATH : fromPack(pack).path);
  } catch (error) {
    process.stderr.write(`cardveil: ${(error as Error).message}\n`);
    return undefined;
  }
}

const VERIFY_HELP = `Usage: cardveil audit verify [FILE | --pack PACK] [--key-env NAME | --key-file PATH] [--anchor HASH] [--json]
  Checks every record's hash, the chain and sequence numbers across rotated files (FILE.1, FILE.2, ...).
  FILE defaults to the pack's audit-logger path (and its hmac_key_ref), else ${DEFAULT_PATH}.
  --anchor: a head hash recorded earlier; fails if it is gone.
  Exit: 0 intact, 1 problems found, 2 usage, 78 key missing.
`;

/**
 * `cardveil audit verify FILE`.
 * @example await auditCommand(['verify', 'cardveil-audit.jsonl']) // 0 when intact
 */
export async function auditCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === '-h') {
    process.stdout.write(VERIFY_HELP);
    return 0;
  }
  if (sub !== 'verify') return usage(sub === undefined ? 'audit needs a subcommand' : `unknown audit subcommand "${sub}"`, VERIFY_HELP);
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        'key-env': { type: 'string' },
        'key-file': { type: 'string' },
        anchor: { type: 'string' },
        pack: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return usage((error as Error).message, VERIFY_HELP);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(VERIFY_HELP);
    return 0;
  }
  if (positionals.length > 1) return usage('audit verify takes one FILE', VERIFY_HELP);
  let path: string;
  let key: Buffer | undefined;
  try {
    const pack = values.pack === undefined ? undefined : fromPack(values.pack);
    path = positionals[0] ?? pack?.path ?? DEFAULT_PATH;
    const ref: SecretRef | undefined =
      values['key-env'] !== undefined ? { env: values['key-env'] } : values['key-file'] !== undefined ? { file: values['key-file'] } : pack?.keyRef;
    if (ref !== undefined) key = Buffer.from(resolveSecret(ref), 'utf8');
  } catch (error) {
    process.stderr.write(`cardveil: ${(error as Error).message}\n`);
    return 78;
  }
  const report = await verifyTrail(path, { ...(key === undefined ? {} : { key }), ...(values.anchor === undefined ? {} : { anchor: values.anchor }) });
  if (values.json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } else {
    for (const p of report.problems) {
      process.stdout.write(`${p.file}:${p.line}${p.seq === undefined ? '' : ` seq ${p.seq}`}: ${p.code}: ${p.message}\n`);
    }
    const summary = `${report.records} record${report.records === 1 ? '' : 's'} in ${report.files.length} file${report.files.length === 1 ? '' : 's'}, last seq ${report.lastSeq}, head ${report.head || '(none)'}`;
    process.stdout.write(report.ok ? `ok: ${summary}\n` : `FAILED: ${report.problems.length} problem${report.problems.length === 1 ? '' : 's'}; ${summary}\n`);
  }
  return report.ok ? 0 : 1;
}

const EVENTS_HELP = `Usage: cardveil events [FILE | --pack PACK] [--verdict V]... [--since T] [--until T] [-n N] [--json] [--follow]
  Shows the last N (default 20) audit records that match; --follow keeps printing new ones.
  V: allowed | redacted | blocked. T: ISO time (2026-11-27T10:00:00Z) or duration back (15m, 2h, 7d).
`;

function eventLine(r: Record<string, unknown>): string {
  const routing = (r.routing ?? {}) as { target?: unknown };
  const types = Array.isArray(r.finding_types) && r.finding_types.length > 0 ? r.finding_types.join(',') : '-';
  return [
    r.time, `#${String(r.seq)}`, String(r.verdict).padEnd(8), r.status ?? '-', r.actor, r.source, r.resource,
    types, `target=${String(routing.target ?? '-')}`, `${String(r.latency_ms)}ms`,
  ].join('  ');
}

/** `cardveil events`: tail and filter the trail. */
export async function eventsCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        verdict: { type: 'string', multiple: true },
        since: { type: 'string' },
        until: { type: 'string' },
        n: { type: 'string', short: 'n', default: '20' },
        json: { type: 'boolean', default: false },
        follow: { type: 'boolean', short: 'f', default: false },
        pack: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return usage((error as Error).message, EVENTS_HELP);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(EVENTS_HELP);
    return 0;
  }
  if (positionals.length > 1) return usage('events takes one FILE', EVENTS_HELP);
  const limit = Number(values.n);
  if (!Number.isInteger(limit) || limit < 0) return usage(`-n expects a non-negative integer; got "${values.n}"`, EVENTS_HELP);
  let filter: RecordFilter;
  try {
    filter = filterFrom(values);
  } catch (error) {
    if (error instanceof UsageError) return usage(error.message, EVENTS_HELP);
    throw error;
  }
  const path = trailPath(positionals[0], values.pack);
  if (path === undefined) return 78;
  const format = (r: Record<string, unknown>): string => `${values.json ? JSON.stringify(r) : eventLine(r)}\n`;
  const last: Record<string, unknown>[] = [];
  for await (const r of readRecords(path, filter)) {
    last.push(r);
    if (last.length > limit) last.shift();
  }
  for (const r of last) await write(process.stdout, format(r));
  if (values.follow) await follow(path, filter, format);
  return 0;
}

/**
 * Polls the active file for appended lines until SIGINT/SIGTERM. Rotation renames the active file
 * (same inode, new name) and starts a new one: the rest of the renamed file, and any file rotated
 * after it, are read before following the new active file from its start.
 */
async function follow(path: string, filter: RecordFilter, format: (r: Record<string, unknown>) => string): Promise<void> {
  const inode = (p: string): number | undefined => {
    try {
      return statSync(p).ino;
    } catch {
      return undefined;
    }
  };
  let ino = inode(path);
  let offset = ino === undefined ? 0 : statSync(path).size;
  let partial = '';
  const emit = (text: string): void => {
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      try {
        const r = JSON.parse(line) as Record<string, unknown>;
        if (matches(r, filter)) process.stdout.write(format(r));
      } catch {
        // Not a record: verify reports it; following just skips it.
      }
    }
  };
  const readFrom = (file: string, from: number): number => {
    const fd = openSync(file, 'r');
    try {
      const size = statSync(file).size;
      if (size <= from) return from;
      const buf = Buffer.alloc(size - from);
      readSync(fd, buf, 0, buf.length, from);
      emit(buf.toString('utf8'));
      return size;
    } finally {
      closeSync(fd);
    }
  };
  const poll = (): void => {
    const now = inode(path);
    if (now === undefined) return;
    if (ino !== undefined && now !== ino) {
      const files = trailFiles(path).filter((f) => f.index > 0);
      const old = files.findIndex((f) => inode(f.path) === ino);
      if (old >= 0) {
        readFrom(files[old]!.path, offset);
        for (const later of files.slice(old + 1)) readFrom(later.path, 0);
      }
      offset = 0;
    }
    ino = now;
    offset = readFrom(path, offset);
  };
  const timer = setInterval(poll, 250);
  process.stderr.write(`following ${path} (Ctrl-C to stop)\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      clearInterval(timer);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

const EXPORT_HELP = `Usage: cardveil export [FILE | --pack PACK] --format jsonl|csv [--since T] [--until T] [--verdict V]... [-o OUT]
  Writes matching audit records, oldest first, to OUT or stdout.
`;

/** `cardveil export --format jsonl|csv`: records in a time range. */
export async function exportCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string', default: 'jsonl' },
        since: { type: 'string' },
        until: { type: 'string' },
        verdict: { type: 'string', multiple: true },
        output: { type: 'string', short: 'o' },
        pack: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return usage((error as Error).message, EXPORT_HELP);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(EXPORT_HELP);
    return 0;
  }
  if (values.format !== 'jsonl' && values.format !== 'csv') return usage(`--format expects jsonl or csv; got "${values.format}"`, EXPORT_HELP);
  if (positionals.length > 1) return usage('export takes one FILE', EXPORT_HELP);
  let filter: RecordFilter;
  try {
    filter = filterFrom(values);
  } catch (error) {
    if (error instanceof UsageError) return usage(error.message, EXPORT_HELP);
    throw error;
  }
  const path = trailPath(positionals[0], values.pack);
  if (path === undefined) return 78;
  const out: Writable = values.output === undefined ? process.stdout : createWriteStream(values.output, { mode: 0o600 });
  const csv = values.format === 'csv';
  if (csv) await write(out, `${CSV_COLUMNS.join(',')}\r\n`);
  for await (const r of readRecords(path, filter)) {
    await write(out, csv ? `${csvRow(r)}\r\n` : `${JSON.stringify(r)}\n`);
  }
  if (out !== process.stdout) {
    out.end();
    await once(out, 'finish');
  }
  return 0;
}
