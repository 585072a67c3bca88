/**
 * Question: what does one 4 KB prompt cost, step by step, whatever the other jobs on the machine?
 *
 * The prompt suite's p50/p99 are wall-clock latencies and move with the load on a shared machine.
 * This script reports what the load barely moves: per-call process CPU time of each step (the
 * fastest of 7 blocks of 10,000 calls, so a preempted block does not count) and young-generation
 * collections (scavenges) per 10,000 calls with a fixed 8 MB new space (each one means ~8 MB
 * allocated). Same prompts and the same seed-pack chain as bench/prompt.ts; loads dist/.
 *
 *   npm run build:ts && npx tsx bench/prompt-cost.ts
 *
 * (The script re-runs itself with `--min-semi-space-size=8 --max-semi-space-size=8` so the
 * scavenge counts compare across runs.)
 */
import { spawnSync } from 'node:child_process';
import { PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadChainRuntime, seedPackPath } from './lib/chain.js';
import { corpusDir, loadLoghubOnce } from './lib/corpus.js';
import { loadScrub } from './lib/ours.js';
import { buildPrompt } from './prompt.js';

const SEMI_SPACE_MB = 8;
const BLOCK = 10_000;
const BLOCKS = 7;

if (!process.execArgv.includes(`--max-semi-space-size=${SEMI_SPACE_MB}`)) {
  const flags = [`--min-semi-space-size=${SEMI_SPACE_MB}`, `--max-semi-space-size=${SEMI_SPACE_MB}`, '--import', 'tsx'];
  const run = spawnSync(process.execPath, [...flags, fileURLToPath(import.meta.url)], { stdio: 'inherit' });
  process.exit(run.status ?? 1);
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Fastest per-call CPU time (ns) over BLOCKS blocks, and scavenges per 10,000 calls. */
async function cost(fn: () => unknown): Promise<{ ns: number; scavenges: number }> {
  for (let i = 0; i < 2 * BLOCK; i++) fn();
  await turn();
  let scavenges = 0;
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if ((e as unknown as { detail?: { kind?: number } }).detail?.kind === 1) scavenges++;
  });
  observer.observe({ entryTypes: ['gc'] });
  let best = Infinity;
  for (let b = 0; b < BLOCKS; b++) {
    const start = process.cpuUsage();
    for (let i = 0; i < BLOCK; i++) fn();
    const used = process.cpuUsage(start);
    best = Math.min(best, ((used.user + used.system) * 1000) / BLOCK);
    await turn(); // lets the audit trail write its batch, as a server's event loop would
  }
  await new Promise((resolve) => setTimeout(resolve, 20));
  observer.disconnect();
  return { ns: best, scavenges: (scavenges * 10_000) / (BLOCK * BLOCKS) };
}

const chain = await loadChainRuntime('http://127.0.0.1:9');
const scrub = await loadScrub();
if (!chain.ok || !scrub.ok) {
  console.error(`skipped: ${chain.ok ? '' : chain.reason} ${scrub.ok ? '' : scrub.reason}`);
  process.exit(1);
}
const scrubber = scrub.value.Scrubber.create({ pack: seedPackPath(), engine: 'hyperscan' });
const detector = (scrubber as unknown as { policy: { detector: { detect(text: string, options: object): unknown[] } } }).policy.detector;
const logs = loadLoghubOnce(corpusDir());
console.log(`per call: process CPU time (best of ${BLOCKS} x ${BLOCK}), scavenges per 10,000 calls (${SEMI_SPACE_MB} MB new space)`);
for (const card of [false, true]) {
  const prompt = buildPrompt(logs, card);
  const steps: [string, () => unknown][] = [
    ['Detector.detect (values, as the pack asks)', () => detector.detect(prompt, { includeValues: true })],
    ['Scrubber.scrubText (detector + DLP)', () => scrubber.scrubText(prompt)],
    ['full chain (4 links, audit write)', () => chain.value.evaluate(prompt)],
  ];
  for (const [name, fn] of steps) {
    const { ns, scavenges } = await cost(fn);
    console.log(`${card ? 'with card' : 'clean    '}  ${name.padEnd(44)} ${(ns / 1000).toFixed(2).padStart(6)} µs  ${scavenges.toFixed(1).padStart(5)} scavenges/10k`);
  }
}
chain.value.close();
