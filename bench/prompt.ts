/**
 * Question: what latency does the full chain add to one 4 KB LLM prompt (p50/p99 µs)?
 * Goal: p99 <= 50 µs.
 *
 * The chain is the seed pack (shared/packs/pci-ai-governance.yaml) built as `cardveil serve`
 * builds it: pii-detector, dlp-filter, data-routing-policy and audit-logger (sealing one record per
 * evaluation into a trail file, written in batches as the pack's `fsync: never` default does; see
 * lib/audit/trail.ts), evaluated as a provider call. The Scrubber over the same pack
 * (detector + DLP links only) is timed beside it to show what routing and audit add. Two prompts:
 * a clean one and one carrying a public test card and its CVV.
 */
import { redactPans } from './baselines/js-regex.js';
import { loadChainRuntime, seedPackPath } from './lib/chain.js';
import { loadLoghubOnce } from './lib/corpus.js';
import { formatBytes, measure, type Row, type TaskSpec } from './lib/measure.js';
import { loadScrub } from './lib/ours.js';
import { skipped, type Goal, type Suite } from './lib/suite.js';
import { redactedCount } from './scrub.js';

export const PROMPT_BYTES = 4096;

/**
 * A 4 KB prompt: a request, a pasted log excerpt (real loghub lines), a question. With `card`,
 * the user also pastes a public test card number and a CVV, as people do.
 */
export function buildPrompt(logs: Buffer, card: boolean): string {
  const head =
    'You are a support assistant for our payments platform. A customer says checkout failed twice ' +
    'this morning and asks whether they were charged. Here is what our services logged around that time:\n\n';
  const tail = card
    ? '\n\nThe customer added: "my card is 4111 1111 1111 1111, cvv 123, exp 12/29, please check it". ' +
      'Summarise what happened and draft a short reply.'
    : '\n\nSummarise what happened and draft a short reply that does not promise a refund.';
  const budget = PROMPT_BYTES - head.length - tail.length;
  const lines = logs.toString('latin1', 0, Math.min(logs.length, budget * 2)).split('\n');
  let middle = '';
  for (const line of lines) {
    if (middle.length + line.length + 1 > budget) break;
    middle += `${line}\n`;
  }
  return head + middle.padEnd(budget, ' ') + tail;
}

export const suite: Suite = {
  id: 'prompt',
  title: '4 KB prompt through the full chain',
  question: 'What latency does the whole policy chain add to one 4 KB prompt (p50/p99)?',
  inCheck: false,
  async run(ctx) {
    // Provider calls are never made here: the base URL only has to be a local one.
    const chain = await loadChainRuntime('http://127.0.0.1:9');
    if (!chain.ok) return skipped(chain.reason);
    try {
      const logs = loadLoghubOnce(ctx.corpora.sourceDir);
      const clean = buildPrompt(logs, false);
      const carded = buildPrompt(logs, true);
      const rows: Row[] = [];
      const goals: Goal[] = [];
      const notes: string[] = [];
      const scrub = await loadScrub();
      const scrubber = scrub.ok ? scrub.value.Scrubber.create({ pack: seedPackPath(), engine: 'hyperscan' }) : undefined;
      if (!scrub.ok) notes.push(`Scrubber row skipped: ${scrub.reason}`);

      const tasks: TaskSpec[] = [];
      for (const [name, prompt] of [['clean', clean], ['with card', carded]] as const) {
        const input = `4 KB prompt, ${name}`;
        const bytes = Buffer.byteLength(prompt);
        const first = chain.value.evaluate(prompt);
        notes.push(`${name}: verdict ${first.verdict}, ${first.findings} findings, links not applied: ${first.notApplied.join(', ') || 'none'}`);
        tasks.push({ contender: `${name}: full chain (4 links, audit write)`, kind: 'ours', input, bytes, fn: () => chain.value.evaluate(prompt).text, count: () => chain.value.evaluate(prompt).findings });
        if (scrubber) {
          tasks.push({ contender: `${name}: Scrubber.scrubText (detector + DLP)`, kind: 'ours', input, bytes, fn: () => scrubber.scrubText(prompt).output, count: () => scrubber.scrubText(prompt).findings });
        }
        tasks.push({ contender: `${name}: JS baseline redactPans`, kind: 'js', input, bytes, fn: () => redactPans(prompt), count: () => redactedCount(redactPans(prompt)) });
      }
      rows.push(...(await measure('prompt', tasks, ctx.small)));
      if (!ctx.quick) {
        for (const peer of ctx.peers.peers) {
          rows.push(
            ...(await measure('prompt', [{
              contender: `with card: ${peer.name} ${peer.version}`,
              kind: 'peer',
              input: '4 KB prompt, with card',
              bytes: Buffer.byteLength(carded),
              async: peer.async,
              fn: () => peer.redact(carded),
              count: () => peer.count(carded),
              note: peer.config,
            }], { ...ctx.small, iterations: 50 })),
          );
        }
      }
      const full = rows.filter((r) => r.contender.includes('full chain'));
      const worst = Math.max(...full.map((r) => r.p99Us));
      goals.push({ id: 'prompt-p99', text: '4 KB prompt through the full chain, p99 <= 50 µs', measured: `${worst.toFixed(1)} µs (worst of clean/with card)`, pass: worst <= 50 });
      notes.push(
        `Prompt size: ${formatBytes(PROMPT_BYTES)}; p50/p99 over every call tinybench made; the audit trail is a real file with the pack's ` +
          'default (fsync: never): each call seals its hash-chained record, records are written in batches at the end of the event-loop ' +
          "turn or every 64 KB (tinybench's loop never yields, so a 64 KB write lands inside one timed call in ~110).",
      );
      return { rows, ratios: [], goals, notes };
    } finally {
      chain.value.close();
    }
  },
};
