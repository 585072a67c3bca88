import { describe, expect, it } from 'vitest';
import { findCardWindows, luhnValid } from '../../lib/engine/card-windows.js';
import type { CardWindowConfig } from '../../lib/engine/types.js';

const config: CardWindowConfig = {
  id: 7,
  ranges: [
    { from: '4', to: '4', lengths: [13, 16, 19] },
    { from: '51', to: '55', lengths: [16] },
    { from: '34', to: '34', lengths: [15] },
    { from: '37', to: '37', lengths: [15] },
  ],
};

const windows = (input: string | Uint8Array) => Array.from(findCardWindows(input, config));
const codes = (s: string) => Array.from(s, (c) => c.charCodeAt(0));

describe('card windows (reference)', () => {
  it('checks Luhn over digit codes', () => {
    expect(luhnValid(codes('4111111111111111'), 0, 16)).toBe(true);
    expect(luhnValid(codes('4111111111111112'), 0, 16)).toBe(false);
    expect(luhnValid(codes('378282246310005'), 0, 15)).toBe(true);
  });

  it('reports a plain PAN with its exact span', () => {
    expect(windows('card 4111111111111111 ok')).toEqual([7, 5, 21]);
  });

  it('reports PANs in printed groupings with mixed separators', () => {
    expect(windows('x 4111 1111-1111.1111 y')).toEqual([7, 2, 21]);
    expect(windows('amex 3782 822463 10005.')).toEqual([7, 5, 22]);
  });

  it('rejects a Luhn failure, a digit run that is too long, and an unknown issuer', () => {
    expect(windows('4111111111111112')).toEqual([]);
    expect(windows('94111111111111111')).toEqual([]);
    expect(windows('41111111111111110000')).toEqual([]);
    expect(windows('6111111111111116')).toEqual([]);
  });

  it('allows gaps of up to three separator units, not four', () => {
    expect(windows('4111 - 111111111111')).toEqual([7, 0, 19]);
    expect(windows('4111 -  111111111111')).toEqual([]);
  });

  it('reads NBSP and zero-width characters as separators in strings and UTF-8 bytes', () => {
    const s = '4111\u00a01111\u200b1111 1111';
    expect(windows(s)).toEqual([7, 0, 19]);
    // In bytes NBSP is 2 bytes and U+200B is 3.
    expect(windows(Buffer.from(s, 'utf8'))).toEqual([7, 0, 22]);
  });

  it('finds a PAN wrapped across a CRLF line break', () => {
    expect(windows('pan 41111111\r\n11111111 end')).toEqual([7, 4, 22]);
  });

  it('finds two cards in one run, and the PAN inside track 2 separated by =', () => {
    expect(windows('4111111111111111 5555555555554444')).toEqual([7, 0, 16, 7, 17, 33]);
    expect(windows(';4111111111111111=25121010000?')).toEqual([7, 1, 17]);
  });

  it('takes the suffix of a long digit group before a track 2 separator (EMV tag 57)', () => {
    expect(windows('57134111111111111111D2512101')).toEqual([7, 4, 20]);
    expect(windows('57134111111111111111 2512101')).toEqual([]);
  });

  it('treats invalid UTF-8 as a non-separator', () => {
    const b = Buffer.concat([Buffer.from('4111'), Buffer.from([0xc2]), Buffer.from('111111111111')]);
    expect(windows(b)).toEqual([]);
  });
});
