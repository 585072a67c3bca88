/**
 * PAN fields of payment messages (EMV tag 5A, ISO 8583 field 2): the parsers a `5A` / field-2
 * trigger calls. Cases are the open adversarial L15 cases plus their negatives.
 */
import { describe, expect, it } from 'vitest';
import { emvTag5aPan, iso8583Field2Pan } from '../../lib/detectors/payment-fields.js';

const at = (text: string, needle: string): [Buffer, number] => [Buffer.from(text, 'latin1'), text.indexOf(needle)];
const brief = (f: ReturnType<typeof emvTag5aPan>) => (f ? [f.type, f.start, f.end, f.brand, f.testCard] : undefined);

describe('EMV tag 5A', () => {
  it.each([
    ['9F02060000000010005A0841111111111111115F24032512315F3401019F260812345678', [22, 38, 'visa', true]],
    ['5A084111111111111111', [4, 20, 'visa', true]],
    ['ICC data: 9F26088A7B6C5D4E3F2A1B5A0855555555555544445F3401009F3602001C', [36, 52, 'mastercard', true]],
    ['5A 08 41 11 11 11 11 11 11 11', [6, 29, 'visa', true]],
    ['5a08378282246310005f', [4, 19, 'amex', true]],
    ['5A08378282246310005F9F0206', [4, 19, 'amex', true]],
  ])('%s', (text, [start, end, brand, testCard]) => {
    const [b, tag] = at(text, text.includes('5A') ? '5A' : '5a');
    expect(brief(emvTag5aPan(b, tag))).toEqual(['pan', start, end, brand, testCard]);
  });

  it.each([
    ['9F5A0841111111111111115F24', '5A'], // second byte of tag 9F5A
    ['5A0841111111111111125F24', '5A'], // Luhn fails
    ['5A0412345678', '5A'], // too short for a PAN
    ['5A08411111111111F1115F24', '5A'], // a digit after the padding
    ['5A 08 41 11 11 11 11 11 11 11x', '5A'], // spaced bytes glued to a word
    ['sha=5A0899999999999999995F', '5A'], // not an issuer range
  ])('nothing for %s', (text, needle) => {
    const [b, tag] = at(text, needle);
    expect(emvTag5aPan(b, tag)).toBeUndefined();
  });
});

describe('ISO 8583 field 2 (LLVAR)', () => {
  it.each([
    ['DE2=164111111111111111', [6, 22]],
    ['field 2: 164111111111111111', [11, 27]],
    ['F002: 165555555555554444', [8, 24]],
    ['[002] 15378282246310005', [8, 23]],
  ])('%s', (text, [start, end]) => {
    const b = Buffer.from(text, 'latin1');
    const digitsAt = text.search(/(?<![0-9])1[2-9][0-9]{12,}/);
    expect(iso8583Field2Pan(b, digitsAt)).toMatchObject({ type: 'pan', start, end });
  });

  it.each([
    'ts=1732758400123456789', // epoch nanoseconds: 17 + 17 digits, no field-2 label
    'DE3=164111111111111111', // another field
    'DE2=174111111111111111', // the length does not match
    'DE22=164111111111111111', // field 22, not 2
  ])('nothing for %s', (text) => {
    const b = Buffer.from(text, 'latin1');
    const digitsAt = text.indexOf('=') + 1;
    expect(iso8583Field2Pan(b, digitsAt)).toBeUndefined();
  });
});
