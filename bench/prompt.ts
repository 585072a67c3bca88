/**
 * Question: what latency does the full chain add to one 4 KB LLM prompt (p50/p99 µs)?
 * Goal: p99 <= 50 µs.
 *
 * The chain is the seed pack (shared/packs/pci-ai-governance.yaml: pii-detector, dlp-filter,
 * data-routing-policy, audit-logger) when lib/policy's PolicyEngine and the routing/audit links
 * are there; otherwise the Scrubber over the same pack (detector + DLP links only, which the
 * results then say). Two prompts: a clean one and one carrying a test card and its CVV.
 */
import { redactPans } from './baselines/js-regex.js';
import { loadLoghubOnce, REPO_ROOT } from './lib/corpus.js';
import { formatBytes, measure, type Row, type TaskSpec } from './lib/measure.js';
import { loadChain } from './lib/chain.js';
import { skipped, type Goal, type Suite } from './lib/suite.js';

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
    const chain = await loadChain(`${REPO_ROOT}/../shared/packs/pci-ai-governance.yaml`);
    if (!chain.ok) return skipped(chain.reason);
    const logs = loadLoghubOnce(ctx.corpora.sourceDir);
    const clean = buildPrompt(logs, false);
    const carded = buildPrompt(logs, true);
    const rows: Row[] = [];
    const goals: Goal[] = [];
    const notes: string[] = [chain.value.description];

    const tasks: TaskSpec[] = [];
    for (const [name, prompt] of [['clean', clean], ['with card', carded]] as const) {
      const input = `4 KB prompt, ${name}`;
      const bytes = Buffer.byteLength(prompt);
      tasks.push(
        { contender: `${name}: cardveil chain`, kind: 'ours', input, bytes, fn: () => chain.value.evaluate(prompt), count: () => chain.value.findings(prompt) },
        { contender: `${name}: JS baseline redactPans`, kind: 'js', input, bytes, fn: () => redactPans(prompt) },
      );
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
    const worst = Math.max(...rows.filter((r) => r.kind === 'ours').map((r) => r.p99Us));
    goals.push({ id: 'prompt-p99', text: '4 KB prompt through the full chain, p99 <= 50 µs', measured: `${worst.toFixed(1)} µs (worst of clean/with card)`, pass: worst <= 50 });
    notes.push(`Prompt size: ${formatBytes(PROMPT_BYTES)}; p50/p99 over every call tinybench made.`);
    return { rows, ratios: [], goals, notes };
  },
};
