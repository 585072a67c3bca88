import { afterAll, describe, expect, it } from 'vitest';
import { SseRewriter, type SseStep } from '../../lib/gateway/sse.js';
import { PolicyEngine } from '../../lib/policy/engine.js';

const engine = new PolicyEngine({ pack: { name: 'sse-test', version: '1' }, policies: { chain: ['pii-detector'] }, policy: { 'pii-detector': { action: 'redact' } } });
afterAll(() => engine.close());

const base = { id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm' };
const event = (choices: object[]): string => `data: ${JSON.stringify({ ...base, choices })}\n\n`;
const content = (text: string, finish: string | null = null, index = 0) => event([{ index, delta: { content: text }, finish_reason: finish }]);
const args = (text: string, finish: string | null = null) => event([{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: text } }] }, finish_reason: finish }]);

/** Feeds `input` in pieces of `size` characters; returns all output and the parsed data chunks. */
function run(input: string, size: number): { out: string; steps: SseStep[]; chunks: { choices?: { index: number; delta: Record<string, unknown> }[] }[] } {
  const rw = new SseRewriter((t, c) => engine.evaluate(t, c), {});
  const steps: SseStep[] = [];
  for (let i = 0; i < input.length; i += size) steps.push(rw.write(input.slice(i, i + size)));
  steps.push(rw.end());
  const out = steps.map((s) => s.out).join('');
  const chunks = out
    .split('\n\n')
    .filter((e) => e.startsWith('data: {'))
    .map((e) => JSON.parse(e.slice(6)) as { choices?: { index: number; delta: Record<string, unknown> }[] });
  return { out, steps, chunks };
}

const textOf = (chunks: ReturnType<typeof run>['chunks'], pick: (d: Record<string, unknown>) => unknown, index = 0): string =>
  chunks.flatMap((c) => c.choices ?? []).filter((c) => c.index === index).map((c) => String(pick(c.delta) ?? '')).join('');

describe('SseRewriter', () => {
  const stream = ['Card: 4111', ' 1111 1111', ' 1111 and ', 'more'].map((t) => content(t)).join('') + content('', 'stop') + 'data: [DONE]\n\n';

  it('redacts content split across events, for any byte split of the stream', () => {
    for (const size of [1, 7, 50, stream.length]) {
      const { out, chunks, steps } = run(stream, size);
      expect(steps.every((s) => s.kind === 'data')).toBe(true);
      expect(textOf(chunks, (d) => d.content)).toMatch(/^Card: \[REDACTED:PAN[^\]]*\] and more$/);
      expect(out.replace(/\[REDACTED:[^\]]*\]/g, '')).not.toMatch(/1111/);
      expect(out.endsWith('data: [DONE]\n\n')).toBe(true);
    }
  });

  it('redacts tool-call arguments and releases them by the finish chunk', () => {
    const input = args('{"pan":"5555 5555') + args(' 5555 4444"}') + event([{ index: 0, delta: {}, finish_reason: 'tool_calls' }]) + 'data: [DONE]\n\n';
    const { chunks } = run(input, 13);
    const joined = textOf(chunks, (d) => (d.tool_calls as { function: { arguments: string } }[] | undefined)?.map((t) => t.function.arguments).join(''));
    expect(joined).toMatch(/^\{"pan":"\[REDACTED:PAN[^\]]*\]"\}$/);
  });

  it('keeps choices apart and flushes held text before [DONE] when no finish chunk came', () => {
    const input = content('a 6011 1111', null, 0) + content('b 3782 8224', null, 1) + content(' 1111 1117', null, 0) + content('63 10005', null, 1) + 'data: [DONE]\n\n';
    const { chunks } = run(input, 9);
    expect(textOf(chunks, (d) => d.content, 0)).toMatch(/^a \[REDACTED:PAN[^\]]*\]$/);
    expect(textOf(chunks, (d) => d.content, 1)).toMatch(/^b \[REDACTED:PAN[^\]]*\]$/);
  });

  it('passes comments, handles CRLF, and fails closed on a data line that is not JSON', () => {
    const ok = run(': keep-alive\r\n\r\n' + content('hello').replace(/\n/g, '\r\n'), 5);
    expect(ok.out.startsWith(': keep-alive\n\n')).toBe(true);
    expect(textOf(ok.chunks, (d) => d.content)).toBe('hello');
    const bad = run(content('fine') + 'data: {"choices": [tru\n\n', 1000);
    expect(bad.steps.some((s) => s.kind === 'invalid')).toBe(true);
  });
});
