import { afterAll, describe, expect, it } from 'vitest';
import { guardJson } from '../../lib/gateway/content.js';
import { PolicyEngine } from '../../lib/policy/engine.js';

const engine = new PolicyEngine({
  pack: { name: 'content-test', version: '1' },
  policies: { chain: ['pii-detector', 'dlp-filter'] },
  policy: { 'pii-detector': { action: 'redact' }, 'dlp-filter': { blocked_terms: ['cvv spreadsheet'], action: 'block' } },
});
afterAll(() => engine.close());
const evaluate = (t: string, c: object) => engine.evaluate(t, c);

describe('guardJson', () => {
  it('returns the same object when nothing is found', () => {
    const body = { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], temperature: 0.2 };
    const out = guardJson(body, evaluate, {});
    expect(out.verdict).toBe('allowed');
    expect(out.value).toBe(body);
    expect(out.evaluated).toBe(2); // model and content; the enum-like role is skipped
  });

  it('redacts strings anywhere, including ids, model names and non-enum values of enum keys', () => {
    const body = { model: '4111111111111111', id: 'x 5555555555554444', messages: [{ role: '6011 1111 1111 1117', content: [{ type: 'text', text: 'ok 378282246310005' }] }] };
    const out = guardJson(body, evaluate, {});
    expect(out.verdict).toBe('redacted');
    expect(JSON.stringify(out.value)).not.toMatch(/4111|5555|6011|3782/);
    expect(body.model).toBe('4111111111111111'); // the input is never mutated
  });

  it('checks long integers as text and replaces a PAN sent as a number', () => {
    const out = guardJson({ card: 4111111111111111, count: 12, ts: 1732700000000 }, evaluate, {});
    const value = out.value as { card: unknown; count: number; ts: number };
    expect(value.card).toMatch(/^\[REDACTED:PAN[^\]]*\]$/);
    expect(value.count).toBe(12);
    expect(value.ts).toBe(1732700000000);
  });

  it('keeps a "__proto__" key a plain key when rewriting', () => {
    const body = JSON.parse('{"__proto__": {"x": "card 4111111111111111"}, "a": 1}') as Record<string, unknown>;
    const out = guardJson(body, evaluate, {}).value as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__', 'a']);
    expect(JSON.stringify(out)).not.toContain('4111');
  });

  it('stops at the first blocked string and returns no value', () => {
    const out = guardJson({ messages: [{ content: 'the cvv spreadsheet' }, { content: 'card 4111111111111111' }] }, evaluate, {});
    expect(out.verdict).toBe('blocked');
    expect(out.value).toBeUndefined();
    expect(out.evaluated).toBe(1);
    expect(out.reasons.map((r) => r.code)).toEqual(['dlp_blocked']);
    expect(out.failed).toBe(false);
  });
});
