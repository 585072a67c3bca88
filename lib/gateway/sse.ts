/**
 * Rewrites an OpenAI chat-completions SSE stream on its way to the client.
 *
 * Every streamed text (each choice's `delta.content` and `delta.refusal`, each tool call's
 * `function.arguments`) goes through its own StreamGuard, which releases text as soon as it is
 * safe and holds back only a tail that could still become a finding. Held text is flushed into the
 * chunk that carries the choice's `finish_reason`, or into a synthesized chunk before `[DONE]`.
 * `logprobs` are dropped from guarded choices: they repeat the token text, held back or not.
 *
 * Events without data (comments, keep-alives) pass through. A data line that is not JSON makes the
 * stream fail closed: nothing unparsed reaches the client.
 */
import type { EvaluationContext, EvaluationResult } from '../policy/chain.js';
import type { Evaluate } from './content.js';
import { StreamGuard, type GuardStep } from './stream-guard.js';

export type SseStep =
  | { readonly kind: 'data'; readonly out: string }
  | { readonly kind: 'blocked'; readonly out: string; readonly result: EvaluationResult }
  | { readonly kind: 'invalid'; readonly out: string };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

class Blocked extends Error {
  constructor(readonly result: EvaluationResult) {
    super('blocked');
  }
}

export class SseRewriter {
  private readonly evaluate: Evaluate;
  private readonly context: EvaluationContext;
  private readonly guards = new Map<string, StreamGuard>();
  private buffer = '';
  private template: Json | undefined;
  /** Evaluation results seen (the gateway reads the worst verdict from them). */
  redacted = false;

  constructor(evaluate: Evaluate, context: EvaluationContext) {
    this.evaluate = evaluate;
    this.context = context;
  }

  /** Feeds decoded upstream text; returns what to send to the client now. */
  write(text: string): SseStep {
    this.buffer += text.replace(/\r\n?/g, '\n');
    let out = '';
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const event = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const step = this.event(event);
      if (step.kind !== 'data') return { ...step, out: out + step.out };
      out += step.out;
    }
    return { kind: 'data', out };
  }

  /** Upstream ended; flushes anything held (an unterminated last event included). */
  end(): SseStep {
    let out = '';
    if (this.buffer.trim() !== '') {
      const step = this.event(this.buffer);
      this.buffer = '';
      if (step.kind !== 'data') return step;
      out += step.out;
    }
    try {
      return { kind: 'data', out: out + this.flushAll() };
    } catch (error) {
      if (error instanceof Blocked) return { kind: 'blocked', out, result: error.result };
      throw error;
    }
  }

  private event(event: string): SseStep {
    const data = event
      .split('\n')
      .filter((l) => l.startsWith('data:'))
      .map((l) => l.slice(l.startsWith('data: ') ? 6 : 5));
    if (data.length === 0) return { kind: 'data', out: `${event}\n\n` };
    const payload = data.join('\n');
    try {
      if (payload.trim() === '[DONE]') return { kind: 'data', out: `${this.flushAll()}data: [DONE]\n\n` };
      let chunk: unknown;
      try {
        chunk = JSON.parse(payload);
      } catch {
        return { kind: 'invalid', out: '' };
      }
      if (!isObject(chunk)) return { kind: 'invalid', out: '' };
      if (isObject(chunk.error)) return { kind: 'data', out: `data: ${payload}\n\n` };
      return { kind: 'data', out: `data: ${JSON.stringify(this.rewrite(chunk))}\n\n` };
    } catch (error) {
      if (error instanceof Blocked) return { kind: 'blocked', out: '', result: error.result };
      throw error;
    }
  }

  private guard(key: string): StreamGuard {
    let g = this.guards.get(key);
    if (g === undefined) {
      g = new StreamGuard(this.evaluate, this.context);
      this.guards.set(key, g);
    }
    return g;
  }

  private take(step: GuardStep): string {
    if (step.blocked) throw new Blocked(step.result);
    if (step.result?.verdict === 'redacted') this.redacted = true;
    return step.text;
  }

  /** Pushes `text` through the guard `key`; flushes it too when the choice has finished. */
  private pass(key: string, text: string, finished: boolean): string {
    const g = this.guard(key);
    let out = this.take(g.push(text));
    if (finished) {
      out += this.take(g.end());
      this.guards.delete(key);
    }
    return out;
  }

  private rewrite(chunk: Json): Json {
    const { choices, ...rest } = chunk;
    this.template = rest;
    if (!Array.isArray(choices)) return chunk;
    const rewritten = choices.map((c: unknown) => {
      if (!isObject(c) || !isObject(c.delta)) return c;
      const idx = String(c.index ?? 0);
      const finished = c.finish_reason !== null && c.finish_reason !== undefined;
      const delta: Json = { ...c.delta };
      for (const field of ['content', 'refusal'] as const) {
        const key = `${idx}:${field}`;
        if (typeof delta[field] === 'string') delta[field] = this.pass(key, delta[field], finished);
        else if (finished && this.guards.has(key)) delta[field] = this.pass(key, '', true);
      }
      if (Array.isArray(delta.tool_calls)) {
        delta.tool_calls = delta.tool_calls.map((tc: unknown) => {
          if (!isObject(tc) || !isObject(tc.function) || typeof tc.function.arguments !== 'string') return tc;
          const args = this.pass(`${idx}:tool:${String(tc.index ?? 0)}`, tc.function.arguments, false);
          return { ...tc, function: { ...tc.function, arguments: args } };
        });
      }
      if (finished) {
        // Tool-call arguments end with their choice: release what each still holds.
        const flushed: Json[] = [];
        for (const key of [...this.guards.keys()].filter((k) => k.startsWith(`${idx}:tool:`))) {
          const text = this.pass(key, '', true);
          if (text !== '') flushed.push({ index: Number(key.split(':')[2]), function: { arguments: text } });
        }
        if (flushed.length > 0) delta.tool_calls = [...(Array.isArray(delta.tool_calls) ? delta.tool_calls : []), ...flushed];
      }
      return { ...c, delta, ...('logprobs' in c ? { logprobs: null } : {}) };
    });
    return { ...rest, choices: rewritten };
  }

  /** Releases every guard's held text as synthesized chunks (before `[DONE]` or at stream end). */
  private flushAll(): string {
    let out = '';
    for (const [key, g] of [...this.guards]) {
      this.guards.delete(key);
      const text = this.take(g.end());
      if (text === '') continue;
      const [index, field, toolIndex] = key.split(':');
      const delta =
        field === 'tool'
          ? { tool_calls: [{ index: Number(toolIndex), function: { arguments: text } }] }
          : { [field!]: text };
      out += `data: ${JSON.stringify({ ...this.template, choices: [{ index: Number(index), delta, finish_reason: null }] })}\n\n`;
    }
    return out;
  }
}
