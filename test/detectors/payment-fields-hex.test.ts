/**
 * PANs written as the hex of their ASCII digits (`4` as `34`): behind a PAN key (adversarial f176)
 * and as an ISO 8583 field 2 value with its length (f177); never bare hex, where `3X` pairs are common.
 */
import { describe, expect, it } from 'vitest';
import { Detector } from '../../lib/detectors/detector.js';
import { hexAsciiPanAfterKey, iso8583Field2Pan, keyedHexAsciiPan } from '../../lib/detectors/payment-fields.js';

const engines = ['javascript', 'hyperscan'] as const;
/** The hex of the ASCII digits of `digits`. */
const hex = (digits: string): string => Buffer.from(digits, 'latin1').toString('hex');
const brief = (f: ReturnType<typeof keyedHexAsciiPan>) => (f ? [f.type, f.start, f.end, f.brand, f.testCard] : undefined);

describe('a hex-ASCII PAN behind a PAN key', () => {
  it.each([
    [`pan_hex=${hex('4111111111111111')}`, ['pan', 8, 40, 'visa', true]],
    [`{"pan": "${hex('5555555555554444')}"}`, ['pan', 9, 41, 'mastercard', true]],
    [`card_number_hex: ${hex('378282246310005')} ok`, ['pan', 17, 47, 'amex', true]],
    [`PAN=${hex('6011111111111117')}`, ['pan', 4, 36, 'discover', true]],
  ])('%s', (text, expected) => {
    const b = Buffer.from(text, 'latin1');
    expect(brief(keyedHexAsciiPan(b, text.search(/3\d3\d3\d/)))).toEqual(expected);
  });

  it.each([
    ['without a key', `sha=${hex('4111111111111111')}`],
    ['behind another key', `session=${hex('4111111111111111')}`],
    ['glued to more hex', `pan_hex=${hex('4111111111111111')}a1`],
    ['glued to hex before it', `pan_hex=0f${hex('4111111111111111')}`],
    ['when the digits fail Luhn', `pan_hex=${hex('4111111111111112')}`],
    ['when too short for a PAN', `pan_hex=${hex('41111111111')}`],
  ])('is not read %s', (_why, text) => {
    const b = Buffer.from(text, 'latin1');
    expect(keyedHexAsciiPan(b, text.search(/3\d3\d3\d/))).toBeUndefined();
  });
});

describe('a hex-ASCII PAN after the end of a `pan` key word', () => {
  it.each([
    [`pan_hex=${hex('4111111111111111')}`, ['pan', 8, 40, 'visa', true]],
    [`{"pan": "${hex('5555555555554444')}"}`, ['pan', 9, 41, 'mastercard', true]],
    [`PAN_ASCII : ${hex('6011111111111117')}`, ['pan', 12, 44, 'discover', true]],
  ])('%s', (text, expected) => {
    const b = Buffer.from(text, 'latin1');
    expect(brief(hexAsciiPanAfterKey(b, text.toLowerCase().indexOf('pan') + 3))).toEqual(expected);
  });

  it.each([
    ['a word that only contains pan', `company_id=${hex('4111111111111111')}`, 'pan'],
    ['a value too far from the key', `pan and then some words=${hex('4111111111111111')}`, 'pan'],
    ['a decimal value', 'pan=4111111111111111', 'pan'],
  ])('is not read for %s', (_why, text, key) => {
    const b = Buffer.from(text, 'latin1');
    expect(hexAsciiPanAfterKey(b, text.indexOf(key) + 3)).toBeUndefined();
  });
});

describe('ISO 8583 field 2 as hex ASCII', () => {
  it.each([
    [`DE2: ${hex('164111111111111111')}`, ['pan', 9, 41, 'visa', true]],
    [`field 2: ${hex('15378282246310005')}`, ['pan', 13, 43, 'amex', true]],
    // Without the length, the whole value.
    [`DE2=${hex('5555555555554444')}`, ['pan', 4, 36, 'mastercard', true]],
  ])('%s', (text, expected) => {
    const b = Buffer.from(text, 'latin1');
    expect(brief(iso8583Field2Pan(b, text.search(/3\d3\d/)))).toEqual(expected);
  });

  it.each([
    ['another field', `DE3: ${hex('164111111111111111')}`],
    ['a length that does not match', `DE2: ${hex('174111111111111111')}`],
    ['glued to more hex', `DE2: ${hex('164111111111111111')}ff`],
  ])('is not read for %s', (_why, text) => {
    const b = Buffer.from(text, 'latin1');
    expect(iso8583Field2Pan(b, text.search(/3\d3\d/))).toBeUndefined();
  });
});

describe.each(engines)('hex-ASCII PANs on the %s engine', (engine) => {
  const detector = new Detector({ engine });
  const found = (text: string) => detector.detect(text).map((f) => [f.type, f.start, f.end, f.brand]);

  it('reports the PAN of a hex-ASCII field 2 value', () => {
    expect(found(`DE2: ${hex('164111111111111111')}`)).toEqual([['pan', 9, 41, 'visa']]);
  });

  it('reports nothing for hex-ASCII digits in a hash or a blob', () => {
    expect(found(`sha256=${hex('4111111111111111')}9a0b`)).toEqual([]);
    expect(found(`payload 0a1b${hex('5555555555554444')}ff00`)).toEqual([]);
  });
});
