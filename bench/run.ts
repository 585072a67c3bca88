/**
 * cardveil benchmarks: one suite per question (bench/*.ts), each measuring ours against its
 * comparisons (C++ ceiling, pure-JS baseline, npm peers) on the same input in the same run.
 *
 *   npm run bench                    all suites; table on stdout, bench/results/latest.json + throughput.svg
 *   npm run bench -- --readme        ... and docs/readme/bench-results.md
 *   npm run bench -- --only detect,scrub
 *   npm run bench -- --cpu-time      time with process CPU time (a busy machine); default wall clock
 *   npm run bench:check              quick subset, ratios vs bench/baseline.json; exit 1 on regression
 *   npm run bench:update             re-measure the quick subset several times; rewrite the baseline
 *
 * Environment: CARDVEIL_CORPUS (loghub folder), CARDVEIL_BENCH_REPEAT (repetitions for check/update),
 * CARDVEIL_BENCH_BASELINE (another baseline file, e.g. to try the gate).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { suite as batch } from './batch.js';
import { suite as cli } from './cli.js';
import { suite as detect } from './detect.js';
import { suite as gateway } from './gateway.js';
import { renderThroughputSvg } from './lib/chart.js';
import { buildCorpora, type Corpus, REPO_ROOT } from './lib/corpus.js';
import { type Baseline, buildBaseline, check, mergeBaselines, restrictTo } from './lib/gate.js';
import { buildHarness, cleanInputs, writeInput } from './lib/harness.js';
import { sinkValue } from './lib/measure.js';
import { loadPeers, type PeersLoaded } from './lib/peers.js';
import { environment, formatMarkdown, formatText, type RunReport, type SuiteReport, toJson } from './lib/report.js';
import type { Ratio, Suite, SuiteContext } from './lib/suite.js';
import { suite as packCompile } from './pack-compile.js';
import { suite as prompt } from './prompt.js';
import { suite as scan } from './scan.js';
import { suite as scrub } from './scrub.js';
import { suite as stream } from './stream.js';

// The CLI suite writes and deletes gigabytes: it runs last so its disk writeback cannot slow the others.
const SUITES: readonly Suite[] = [scan, batch, detect, scrub, stream, prompt, packCompile, gateway, cli];
/** The suites about bulk throughput, drawn in the chart (the others are about latency). */
const CHART_SUITES: ReadonlySet<string> = new Set(['scan', 'batch', 'detect', 'scrub', 'stream']);
const BASELINE_FILE = process.env.CARDVEIL_BENCH_BASELINE ?? join(REPO_ROOT, 'bench', 'baseline.json');
const RESULTS_DIR = join(REPO_ROOT, 'bench', 'results');
const CORPUS_BYTES = 19_000_000; // loghub × 6 = 19.5 MB, the size PERFORMANCE.md measured
// The gate runs on one copy (3.2 MB) to stay fast; it compares quick runs with a quick baseline.
const QUICK_CORPUS_BYTES = 3_000_000;
/** Extra repetitions of a suite whose ratio regressed, before the gate believes it. */
const CONFIRM_REPETITIONS = 2;

const { values } = parseArgs({
  options: {
    check: { type: 'boolean', default: false },
    update: { type: 'boolean', default: false },
    readme: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    'cpu-time': { type: 'boolean', default: false },
    only: { type: 'string' },
    repeat: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  process.stdout.write(
    'usage: node bench/run.js [--only a,b] [--quick] [--cpu-time] [--readme] | --check | --update [--repeat N]\n' +
      `suites: ${SUITES.map((s) => s.id).join(', ')}\n`,
  );
  process.exit(0);
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function makeContext(quick: boolean, peers: PeersLoaded, clock: 'wall' | 'cpu'): SuiteContext {
  const corpora = buildCorpora(quick ? QUICK_CORPUS_BYTES : CORPUS_BYTES);
  const files = new Map<string, string>();
  return {
    corpora,
    quick,
    clock,
    big: quick ? { time: 300, iterations: 3, warmupIterations: 1, clock } : { time: 1500, iterations: 10, clock },
    small: quick ? { time: 400, iterations: 200, clock } : { time: 2000, iterations: 1000, clock },
    peer: { time: 1000, iterations: 3, warmupIterations: 1, warmupTime: 0, clock },
    harnessMs: quick ? 400 : 1500,
    harness: buildHarness(),
    peers,
    peerSliceBytes: 256_000,
    corpusFile(corpus: Corpus): string {
      let file = files.get(corpus.name);
      if (!file) {
        file = writeInput(`${corpus.name.replace(/[^a-z0-9]+/gi, '-')}.corpus`, corpus.bytes);
        files.set(corpus.name, file);
      }
      return file;
    },
  };
}

async function runSuites(ctx: SuiteContext, suites: readonly Suite[]): Promise<SuiteReport[]> {
  const reports: SuiteReport[] = [];
  for (const s of suites) {
    log(`bench: ${s.id} ...`);
    const started = performance.now();
    let outcome;
    try {
      outcome = await s.run(ctx);
    } catch (error) {
      // A suite that crashes is reported, not hidden; the other suites still run.
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      outcome = { rows: [], ratios: [], goals: [], notes: [], skipped: `failed: ${message.split('\n').slice(0, 3).join(' | ')}` };
    }
    const seconds = (performance.now() - started) / 1e3;
    log(`bench: ${s.id} ${outcome.skipped ? `skipped (${outcome.skipped.split('\n')[0]})` : 'done'} in ${seconds.toFixed(1)} s`);
    reports.push({ id: s.id, title: s.title, question: s.question, seconds, ...outcome });
  }
  return reports;
}

function report(ctx: SuiteContext, suites: SuiteReport[]): RunReport {
  const env = environment();
  return {
    date: new Date().toISOString(),
    ...env,
    quick: ctx.quick,
    clock: ctx.clock,
    corpus: {
      loghubBytes: ctx.corpora.loghub.bytes.length,
      cardDenseBytes: ctx.corpora.cardDense.bytes.length,
      plantedCards: ctx.corpora.plantedCards,
      source: ctx.corpora.sourceDir,
    },
    suites,
    goals: suites.flatMap((s) => s.goals),
    ratios: suites.flatMap((s) => s.ratios),
  };
}

async function repeatRatios(ctx: SuiteContext, suites: readonly Suite[], times: number): Promise<Ratio[][]> {
  const repetitions: Ratio[][] = [];
  for (let k = 1; k <= times; k++) {
    log(`bench: repetition ${k}/${times}`);
    const reports = await runSuites(ctx, suites);
    for (const r of reports.filter((s) => s.skipped)) log(`bench: ${r.id} skipped: ${r.skipped}`);
    repetitions.push(reports.flatMap((s) => s.ratios));
  }
  return repetitions;
}

async function main(): Promise<number> {
  const only = values.only?.split(',').map((s) => s.trim());
  const unknown = only?.filter((id) => !SUITES.some((s) => s.id === id)) ?? [];
  if (unknown.length > 0) {
    log(`bench: unknown suite ${unknown.join(', ')} (suites: ${SUITES.map((s) => s.id).join(', ')})`);
    return 2;
  }

  if (values.check || values.update) {
    const suites = SUITES.filter((s) => s.inCheck && (!only || only.includes(s.id)));
    // CPU time: the gate must not fail because other processes were busy (see lib/gate.ts).
    const ctx = makeContext(true, { peers: [], missing: ['not used by the gate'] }, 'cpu');
    const times = Number(values.repeat ?? process.env.CARDVEIL_BENCH_REPEAT ?? (values.update ? 5 : 3));
    const repetitions = await repeatRatios(ctx, suites, times);
    const env = environment();
    const existing = existsSync(BASELINE_FILE) ? (JSON.parse(readFileSync(BASELINE_FILE, 'utf8')) as Baseline) : undefined;
    if (values.update) {
      const fresh = buildBaseline(repetitions, {
        created: new Date().toISOString(),
        commit: env.commit,
        machine: { cpu: env.cpu, cores: env.cores, node: env.node },
      });
      // With --only, the other suites' ratios stay as they were.
      const baseline = only && existing ? mergeBaselines(existing, fresh) : fresh;
      writeFileSync(BASELINE_FILE, `${JSON.stringify(baseline, null, 2)}\n`);
      for (const [id, r] of Object.entries(baseline.ratios)) {
        const ungated = r.threshold >= 1 ? ' (too noisy to gate: re-run on a quieter machine)' : '';
        log(`  ${id}: median ${r.median}×, spread ${(r.spread * 100).toFixed(1)}%, threshold ${(r.threshold * 100).toFixed(1)}%${ungated}`);
      }
      log(`bench: wrote ${BASELINE_FILE} (${times} repetitions)`);
      return 0;
    }
    if (!existing) {
      log('bench: no bench/baseline.json: run `npm run bench:update` and commit it');
      return 1;
    }
    const baseline = only ? restrictTo(existing, only) : existing;
    let result = check(baseline, repetitions);
    const regressed = new Set(result.lines.filter((l) => l.status === 'regressed').map((l) => l.id.split('/')[0]!));
    if (regressed.size > 0) {
      // A regression must reproduce: the suites that showed one run twice more and the median is
      // taken over all repetitions, so one burst of load on a shared machine cannot fail CI alone.
      log(`bench: ${[...regressed].join(', ')} regressed; measuring ${CONFIRM_REPETITIONS} more times to confirm`);
      repetitions.push(...(await repeatRatios(ctx, suites.filter((s) => regressed.has(s.id)), CONFIRM_REPETITIONS)));
      result = check(baseline, repetitions);
    }
    for (const line of result.lines) process.stdout.write(`${line.status.toUpperCase().padEnd(9)} ${line.text}\n`);
    process.stdout.write(
      result.ok
        ? `bench:check passed (median of each ratio over its repetitions)\n`
        : 'bench:check FAILED: a ratio regressed beyond its noise threshold or was not measured\n',
    );
    return result.ok ? 0 : 1;
  }

  const quick = values.quick;
  const peers = quick ? { peers: [], missing: ['skipped in --quick'] } : await loadPeers();
  const ctx = makeContext(quick, peers, values['cpu-time'] ? 'cpu' : 'wall');
  if (!ctx.harness.ok) log(`bench: C++ harness unavailable: ${ctx.harness.reason}`);
  const suites = SUITES.filter((s) => !only || only.includes(s.id));
  const reports = await runSuites(ctx, suites);
  const run = report(ctx, reports);
  process.stdout.write(`${formatText(run)}\n`);
  // Only a full run replaces the committed snapshot; --quick and --only write *-partial files.
  const suffix = quick || only ? '-partial' : '';
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `latest${suffix}.json`), toJson(run));
  writeFileSync(
    join(RESULTS_DIR, `throughput${suffix}.svg`),
    renderThroughputSvg(reports.filter((r) => CHART_SUITES.has(r.id)), `${run.date.slice(0, 10)}, commit ${run.commit}, ${run.cpu}; corpus loghub ${(run.corpus.loghubBytes / 1e6).toFixed(1)} MB; ${run.clock === 'cpu' ? 'process CPU time' : 'wall-clock time'}`),
  );
  if (values.readme) {
    mkdirSync(join(REPO_ROOT, 'docs', 'readme'), { recursive: true });
    writeFileSync(join(REPO_ROOT, 'docs', 'readme', 'bench-results.md'), formatMarkdown(run));
  }
  log(`bench: wrote bench/results/latest${suffix}.json and throughput${suffix}.svg${values.readme ? ' and docs/readme/bench-results.md' : ''} (sink ${sinkValue()})`);
  return 0;
}

try {
  process.exitCode = await main();
} finally {
  cleanInputs();
}
