import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mergeFindings } from '../../lib/redaction/merge.js';
import { Redactor } from '../../lib/redaction/redactor.js';
import { RedactionError } from '../../lib/redaction/errors.js';
import type { KeyRing } from '../../lib/redaction/keys.js';
import { at, span } from './findings.js';

const key = { id: 'k1', bytes: Buffer.alloc(32, 7) };
const keys: KeyRing = { current: key, byId: new Map([['k1', key]]) };

function redact(r: Redactor, text: string, findings: Parameters<typeof mergeFindings>[0]): string {
  return r.redactString(text, mergeFindings(findings)).text;
}

describe('label operator', () => {
  const text = 'paid with 4111 1111 1111 1111 cvv 123 ok';
  const findings = [at(text, '4111 1111 1111 1111', 'pan', { brand: 'visa' }), at(text, '123', 'cvv')];

  it('replaces each finding with its type label', () => {
    expect(redact(new Redactor(), text, findings)).toBe('paid with [REDACTED:PAN] cvv [REDACTED:CVV] ok');
  });

  it('adds brand and last four for PANs only when asked', () => {
    expect(redact(new Redactor({ includeMetadata: true }), text, findings)).toBe(
      'paid with [REDACTED:PAN brand=visa last4=1111] cvv [REDACTED:CVV] ok',
    );
  });

  it('uses custom markers per type, filling {brand} and {last4}', () => {
    const r = new Redactor({ markers: { pan: '<card {brand} ..{last4}>', cvv: '<cvv>' } });
    expect(redact(r, text, findings)).toBe('paid with <card visa ..1111> cvv <cvv> ok');
  });

  it('preserves length by padding with * or, when the label is longer, by * only', () => {
    const r = new Redactor({ preserveLength: true });
    const out = redact(r, text, findings);
    expect(out).toBe('paid with [REDACTED:PAN]***** cvv *** ok');
    expect(out.length).toBe(text.length);
  });
});

describe('mask operator', () => {
  it('keeps the first six and last four digits and every separator', () => {
    const text = 'a 4111-1111-1111-1111 b 5555 5555.5555\u00a04444 c';
    const f = [at(text, '4111-1111-1111-1111', 'pan'), at(text, '5555 5555.5555\u00a04444', 'pan')];
    expect(redact(new Redactor({ operator: 'mask' }), text, f)).toBe('a 4111-11**-****-1111 b 5555 55**.****\u00a04444 c');
  });

  it('keeps the last four only when configured', () => {
    const text = '378282246310005';
    expect(redact(new Redactor({ operator: 'mask', maskKeep: 'last4' }), text, [span(0, 15, 'pan')])).toBe('***********0005');
  });

  it('keeps the first eight only for PANs of 16 or more digits', () => {
    const r = new Redactor({ operator: 'mask', maskKeep: 'first8_last4' });
    expect(redact(r, '6011111111111117', [span(0, 16, 'pan')])).toBe('60111111****1117');
    expect(redact(r, '378282246310005', [span(0, 15, 'pan')])).toBe('378282*****0005');
  });

  it('masks every digit and letter of non-PAN types, and of evasion findings', () => {
    const r = new Redactor({ operator: 'mask' });
    expect(redact(r, 'id AUTH-12AB34', [span(3, 14, 'custom')])).toBe('id ****-******');
    const fullwidth = '４１１１１１１１１１１１１１１１';
    expect(redact(r, fullwidth, [span(0, 16, 'pan', { evasion: true })])).toBe('*'.repeat(16));
  });

  it('never masks sensitive authentication data: a CVV under a mask default is labelled', () => {
    const text = '4111111111111111 cvv 123';
    const r = new Redactor({ operator: 'mask' });
    expect(redact(r, text, [at(text, '4111111111111111', 'pan'), at(text, '123', 'cvv')])).toBe('411111******1111 cvv [REDACTED:CVV]');
  });
});

describe('token operator', () => {
  const r = new Redactor({ operator: 'token', keys });

  it('is deterministic per key and independent of separators', () => {
    const a = redact(r, '4111 1111 1111 1111', [span(0, 19, 'pan')]);
    const b = redact(r, '4111111111111111', [span(0, 16, 'pan')]);
    expect(a).toMatch(/^\[TOKEN:PAN:k1:[0-9a-f]{24}\]$/);
    expect(a).toBe(b);
  });

  it('differs under another key', () => {
    const other = { id: 'k2', bytes: Buffer.alloc(32, 9) };
    const r2 = new Redactor({ operator: 'token', keys: { current: other, byId: new Map([['k2', other]]) } });
    const a = redact(r, '4111111111111111', [span(0, 16, 'pan')]);
    const b = redact(r2, '4111111111111111', [span(0, 16, 'pan')]);
    expect(b.startsWith('[TOKEN:PAN:k2:')).toBe(true);
    expect(a.slice(-25)).not.toBe(b.slice(-25));
  });

  it('needs a key', () => {
    expect(() => new Redactor({ operator: 'token' })).toThrow(
      expect.objectContaining({ code: 'ERR_KEY_REQUIRED' }) as unknown as RedactionError,
    );
  });

  it('labels CVVs under a token default and refuses an explicit CVV token', () => {
    expect(redact(r, 'cvv 123', [span(4, 7, 'cvv')])).toBe('cvv [REDACTED:CVV]');
    expect(() => new Redactor({ operators: { cvv: 'token' }, keys })).toThrow(
      'cvv cannot use "token": sensitive authentication data is never kept or stored (PCI DSS 3.3); use label or remove',
    );
  });
});

describe('remove operator', () => {
  it('deletes the finding', () => {
    expect(redact(new Redactor({ operator: 'remove' }), 'x 4111111111111111 y', [span(2, 18, 'pan')])).toBe('x  y');
  });
});

describe('merging and masked text', () => {
  it('merges overlapping findings into one segment of the most sensitive type', () => {
    const text = ';4111111111111111=25121010000000000000?';
    const segs = mergeFindings([span(1, 17, 'pan'), span(0, text.length, 'track2')]);
    expect(segs).toHaveLength(1);
    expect(segs[0]).toMatchObject({ start: 0, end: text.length, type: 'track2', merged: 2 });
    expect(new Redactor().redactString(text, segs).text).toBe('[REDACTED:TRACK2]');
  });

  it('leaves already-masked PANs untouched', () => {
    const text = 'old 411111******1111 new 4111111111111111';
    const f = [at(text, '411111******1111', 'masked_pan', { masked: true }), at(text, '4111111111111111', 'pan')];
    expect(redact(new Redactor(), text, f)).toBe('old 411111******1111 new [REDACTED:PAN]');
  });

  it('reports spans against the output', () => {
    const text = 'a 4111111111111111 b 123 c';
    const out = new Redactor().redactString(text, mergeFindings([at(text, '4111111111111111', 'pan'), at(text, '123', 'cvv')]));
    expect(out.spans.map((s) => [s.start, s.end, s.inputStart, s.inputEnd, s.type])).toEqual([
      [2, 16, 2, 18, 'pan'],
      [19, 33, 21, 24, 'cvv'],
    ]);
    for (const s of out.spans) expect(out.text.slice(s.start, s.end)).toMatch(/^\[REDACTED:/);
  });

  it('property: output = untouched text between spans, markers inside them, for any findings', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 80 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(20), fc.constantFrom('pan', 'cvv', 'custom', 'track2' as const)), { maxLength: 6 }),
        (text, raw) => {
          const findings = raw.map(([s, len, type]) => {
            const start = s % text.length;
            return span(start, Math.min(text.length, start + 1 + len), type);
          });
          const segs = mergeFindings(findings);
          for (let i = 1; i < segs.length; i++) expect(segs[i]!.start).toBeGreaterThanOrEqual(segs[i - 1]!.end);
          const out = new Redactor().redactString(text, segs);
          let rebuilt = '';
          let cursor = 0;
          let outCursor = 0;
          for (const s of out.spans) {
            rebuilt += text.slice(cursor, s.inputStart);
            expect(out.text.slice(outCursor, s.start)).toBe(text.slice(cursor, s.inputStart));
            rebuilt += out.text.slice(s.start, s.end);
            cursor = s.inputEnd;
            outCursor = s.end;
          }
          rebuilt += text.slice(cursor);
          expect(rebuilt).toBe(out.text);
        },
      ),
    );
  });
});

describe('Buffers', () => {
  it('copies bytes outside findings exactly, including invalid UTF-8, with byte spans', () => {
    const input = Buffer.concat([Buffer.from([0xff, 0xfe, 0x00]), Buffer.from(' card 4111111111111111 ü\n'), Buffer.from([0xc3])]);
    const start = input.indexOf('4111');
    const out = new Redactor().redactBytes(input, mergeFindings([span(start, start + 16, 'pan')]));
    const expected = Buffer.concat([Buffer.from([0xff, 0xfe, 0x00]), Buffer.from(' card [REDACTED:PAN] ü\n'), Buffer.from([0xc3])]);
    expect(out.output.equals(expected)).toBe(true);
    expect(out.spans).toEqual([{ start, end: start + 14, inputStart: start, inputEnd: start + 16, type: 'pan', detector: 'test.pan' }]);
  });

  it('preserves length in bytes for Buffers', () => {
    const input = Buffer.from('x 4111111111111111 y');
    const out = new Redactor({ preserveLength: true }).redactBytes(input, mergeFindings([span(2, 18, 'pan')]));
    expect(out.output.toString()).toBe('x [REDACTED:PAN]** y');
  });

  it('fills custom marker placeholders per finding in Buffers too', () => {
    const input = Buffer.from('a 4111111111111111 b 5555555555554444');
    const r = new Redactor({ markers: { pan: '<{brand} {last4}>' } });
    const out = r.redactBytes(input, mergeFindings([span(2, 18, 'pan', { brand: 'visa' }), span(21, 37, 'pan', { brand: 'mastercard' })]));
    expect(out.output.toString()).toBe('a <visa 1111> b <mastercard 4444>');
  });

  it('returns the input itself when there is nothing to redact', () => {
    const input = Buffer.from('nothing here');
    expect(new Redactor().redactBytes(input, []).output).toBe(input);
  });
});
