/**
 * `cardveil scrub [PATH ...]`: remove card data from logs.
 *
 * stdin to stdout when no path is given; files and directories to `-o DIR` or `--in-place`
 * (atomic rename, mode kept). Gzip in gives gzip out. Every core by default (`--threads`), output
 * order preserved, constant memory.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { addSummary, emptySummary, type ScrubSummary } from '../stream/summary.js';
import type { ScrubFormat } from '../stream/types.js';
import { isRegularFile } from '../workers/fd-input.js';
import { ScrubPool } from '../workers/pool.js';
import { scrubFileParallel, scrubStreamParallel, type ParallelScrubOptions } from '../workers/scrub-file.js';
import { CliError, toCliError, usage } from './errors.js';
import { EXIT } from './exit-codes.js';
import { SCRUB_HELP } from './help.js';
import { formatBytes, Progress } from './progress.js';
import { createScrubber, parseEngine, parseThreads } from './scrubber.js';
import { listInputFiles } from './walk.js';

interface FileReport {
  readonly input: string;
  readonly output: string;
  readonly gzip: boolean;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly verdict: ScrubSummary['verdict'];
  readonly findings: number;
  readonly counts: Record<string, number>;
}

export async function scrubCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv);
  if (values.help) {
    process.stdout.write(SCRUB_HELP);
    return EXIT.OK;
  }
  const format = parseFormat(values.format);
  const engine = parseEngine(values.engine);
  const threads = parseThreads(values.threads, availableParallelism());
  const outDir = values.output;
  const inPlace = values['in-place'] === true;
  if (outDir !== undefined && inPlace) throw usage('use either -o DIR or --in-place, not both');
  if (positionals.length > 0 && outDir === undefined && !inPlace) {
    throw usage('scrubbing files needs -o DIR or --in-place (or pipe: cardveil scrub < in.log > out.log)');
  }
  if (positionals.length === 0 && (outDir !== undefined || inPlace)) {
    throw usage(`${inPlace ? '--in-place' : '-o'} needs at least one PATH`);
  }

  // N threads: N - 1 workers and this thread, which scrubs its share between reads and writes.
  // The workers start first, so their start-up overlaps the pack compile below.
  const pool = threads > 1 ? new ScrubPool(null, { threads: threads - 1 }) : undefined;
  const files: FileReport[] = [];
  const totals = emptySummary();
  let started = Date.now();
  let cpuAtStart = process.cpuUsage();
  try {
    const scrubber = createScrubber(values.pack, engine);
    pool?.load(scrubber);
    started = Date.now();
    cpuAtStart = process.cpuUsage();
    const common: ParallelScrubOptions = { scrubber, format, ...(pool ? { pool, shareMainThread: true } : { threads: 1 }) };
    if (positionals.length === 0) {
      const progress = new Progress({ stream: process.stderr, env: process.env, enabled: !values['no-progress'] });
      let result;
      try {
        // Redirected from or to a file (`< in.log > out.log`), stdin is read by descriptor with
        // large reads, and stdout written asynchronously (process.stdout writes files
        // synchronously, on the scrubbing thread).
        const input = (await isRegularFile(0)) ? 0 : process.stdin;
        const output = (await isRegularFile(1)) ? createWriteStream('', { fd: 1, autoClose: false }) : process.stdout;
        result = await scrubStreamParallel(input, output, {
          ...common,
          onProgress: (bytes) => progress.update(bytes, 'stdin'),
        }).finally(() => progress.done());
      } catch (error) {
        // The reader went away (`cardveil scrub < big.log | head`): it has all it wanted, and
        // nothing unscrubbed was written. Stop quietly, like other filters.
        if ((error as { code?: unknown }).code === 'EPIPE') return EXIT.OK;
        throw error;
      }
      addSummary(totals, result);
      files.push(fileReport('-', '-', result.gzip, result));
    } else {
      const inputs = await listInputFiles(positionals, {
        ...(outDir !== undefined ? { exclude: [resolve(outDir)] } : {}),
        ...(values['ignore-file'] ? { ignoreFiles: values['ignore-file'] } : {}),
        ...(values['no-ignore'] ? { noIgnore: true } : {}),
      });
      const total = inputs.reduce((sum, file) => sum + file.size, 0);
      const progress = new Progress({ stream: process.stderr, env: process.env, total, enabled: !values['no-progress'] });
      let doneBytes = 0;
      try {
        for (const file of inputs) {
          const target = inPlace ? file.path : join(outDir!, file.root === null ? basename(file.path) : file.relative);
          try {
            await mkdir(dirname(target), { recursive: true });
          } catch (error) {
            throw new CliError('ERR_CANT_CREATE', `cannot create ${dirname(target)}: ${(error as Error).message}`, { cause: error });
          }
          const result = await scrubFileParallel(file.path, target, {
            ...common,
            onProgress: (bytes) => progress.update(doneBytes + Math.min(bytes, file.size), file.path),
          }).catch((error: unknown) => {
            throw toCliError(error, file.path);
          });
          doneBytes += file.size;
          addSummary(totals, result);
          files.push(fileReport(file.path, target, result.gzip, result));
        }
      } finally {
        progress.done();
      }
    }
  } finally {
    await pool?.close();
  }

  const elapsedMs = Date.now() - started;
  if (values.report !== undefined) {
    const report = { command: 'scrub', format, threads, elapsedMs, resources: resourcesSince(cpuAtStart), totals, files };
    await writeFile(values.report, JSON.stringify(report, null, 2) + '\n').catch((error: unknown) => {
      throw toCliError(error, `cannot write report ${values.report}`);
    });
  }
  if (!values.quiet) process.stderr.write(summaryText(files.length, totals, elapsedMs));
  if (totals.withheld > 0) {
    // Fail closed already happened (those parts are block markers); say so and fail the command.
    process.stderr.write(`cardveil: ${totals.withheld} part(s) of the input were withheld after an internal failure and replaced by block markers\n`);
    return EXIT.SOFTWARE;
  }
  return EXIT.OK;
}

/**
 * What the scrub cost: CPU time since `cpuAtStart` (user + system, every thread, so worker time
 * counts) and the peak resident set of the whole run. For the benchmark and capacity planning.
 */
function resourcesSince(cpuAtStart: NodeJS.CpuUsage): { cpuMs: number; userMs: number; systemMs: number; maxRssBytes: number } {
  const cpu = process.cpuUsage(cpuAtStart);
  return {
    cpuMs: Math.round((cpu.user + cpu.system) / 1e3),
    // System time is mostly the kernel copying file data (reads, and filling a new file's pages).
    userMs: Math.round(cpu.user / 1e3),
    systemMs: Math.round(cpu.system / 1e3),
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        output: { type: 'string', short: 'o' },
        'in-place': { type: 'boolean' },
        pack: { type: 'string' },
        engine: { type: 'string' },
        format: { type: 'string' },
        threads: { type: 'string' },
        report: { type: 'string' },
        'ignore-file': { type: 'string', multiple: true },
        'no-ignore': { type: 'boolean' },
        'no-progress': { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw usage((error as Error).message);
  }
}

function parseFormat(value: string | undefined): ScrubFormat {
  if (value === undefined || value === 'text' || value === 'jsonl') return value ?? 'text';
  throw usage(`--format must be text or jsonl (got "${value}")`);
}

function fileReport(input: string, output: string, gzip: boolean, summary: ScrubSummary): FileReport {
  return {
    input,
    output,
    gzip,
    bytesIn: summary.bytesIn,
    bytesOut: summary.bytesOut,
    verdict: summary.verdict,
    findings: summary.findings,
    counts: summary.counts,
  };
}

/** One line, then one line per finding type, on stderr. */
export function summaryText(fileCount: number, totals: ScrubSummary, elapsedMs: number): string {
  const seconds = Math.max(elapsedMs, 1) / 1000;
  const what = fileCount === 1 ? '1 input' : `${fileCount} inputs`;
  const head = `cardveil scrub: ${what}, ${formatBytes(totals.bytesIn)} in ${seconds.toFixed(2)} s (${formatBytes(totals.bytesIn / seconds)}/s)`;
  if (totals.findings === 0) return `${head}: no card data found\n`;
  const types = Object.entries(totals.counts).sort(([a], [b]) => (a < b ? -1 : 1));
  const width = Math.max(...types.map(([type]) => type.length));
  const blocked = totals.verdict === 'blocked' ? ' (lines blocked by the DLP filter)' : '';
  return `${head}: ${totals.findings} findings${blocked}\n${types.map(([type, n]) => `  ${type.padEnd(width)}  ${n}\n`).join('')}`;
}

