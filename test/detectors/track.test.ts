/**
 * Track 2 equivalent data in EMV tag 57 bounded by the tag's length byte, whatever digits surround
 * it (red team C1), the unchanged readings of plain track 2, and track 2 with spaces around its
 * fields between both sentinels (adversarial f5).
 */
import { describe, expect, it } from 'vitest';
import { Detector } from '../../lib/detectors/detector.js';
import { parseSpacedTrack2, parseTrack2 } from '../../lib/detectors/track.js';

const engines = ['javascript', 'hyperscan'] as const;
const brief = (t: ReturnType<typeof parseTrack2>) => (t ? [t.type, t.start, t.end, t.brand] : undefined);
const track2 = (text: string) => {
  const b = Buffer.from(text, 'latin1');
  return brief(parseTrack2(b, text.search(/[=Dd]\d{4}/)));
};

describe('EMV tag 57 in a hex dump', () => {
  it.each([
    // Tag 84's value ends in digits glued to `5710`: the PAN is the tag's value, not the longest valid run.
    ['ICC data: 8407A0000000031010571036227206271667D27122010000000009F2701809F360200A1', ['track2', 32, 64, 'diners']],
    // Even nibble count, no pad, the next tag's digits glued after the value.
    ['5A08411111111111111157134111111111111111D251210100000000000009F2608', ['track2', 24, 62, 'visa']],
    // Odd nibble count padded with F.
    ['57134111111111111111D25121010000000000000F9F2608', ['track2', 4, 42, 'visa']],
    // A length byte with a hex letter (0F: 30 nibbles).
    ['570F378282246310005D251220100000005F3401', ['track2', 4, 34, 'amex']],
    // Lower-case hex.
    ['ICC data: 8407a0000000031010571036227206271667d27122010000000009f27018', ['track2', 32, 64, 'diners']],
  ])('%s', (text, expected) => {
    expect(track2(text)).toEqual(expected);
  });

  it('does not bound the data by a tag 57 whose length cannot hold the PAN, separator, expiry and service code', () => {
    // 0x08 = 16 nibbles: the data runs on to the `F` of the next tag `9F27`, as for any unbounded track.
    expect(track2('ICC data: 8407A0000000031010570836227206271667D27122010000000009F2701809F360200A1')).toEqual(['track2', 32, 65, 'diners']);
  });

  it('reads plain track 2 behind a start sentinel as before', () => {
    expect(track2(';4111111111111111=25121010000000000?')).toEqual(['track2', 0, 36, 'visa']);
    expect(track2('t2=;5555555555554444=2512101000?')).toEqual(['track2', 3, 32, 'mastercard']);
  });
});

describe('track 2 behind its start sentinel with a grouped PAN or grouped data', () => {
  it.each([
    [';4111 1111 1111 1111=25121010000000000?', ['track2', 0, 39, 'visa']],
    [';4111-1111-1111-1111=25121010000000000?', ['track2', 0, 39, 'visa']],
    [';3782 822463 10005=2612101000?', ['track2', 0, 30, 'amex']],
    [';4111111111111111=2512 101 0000?', ['track2', 0, 32, 'visa']],
    // A space before the end sentinel: the track ends at its last digit.
    [';4111111111111111=2512 101 0000 ?', ['track2', 0, 31, 'visa']],
    // Two spaces end the data: the track is what comes before them.
    [';4111111111111111=2512 101  0000?', ['track2', 0, 22, 'visa']],
    // No end sentinel after the groups: the data before the first space.
    [';4111111111111111=2512 101 0000 and more', ['track2', 0, 22, 'visa']],
  ])('%s', (text, expected) => {
    expect(track2(text)).toEqual(expected);
  });

  it.each([
    ['without the start sentinel', 'x 4111 1111 1111 1111=2512101'],
    ['with joiners of two kinds', ';4111 1111-1111 1111=2512101000?'],
    ['with more than 19 digits in the groups', ';4111 1111 1111 1111 1111=2512101000?'],
  ])('reads no grouped PAN %s', (_why, text) => {
    expect(track2(text)).toBeUndefined();
  });
});

describe.each(engines)('EMV tag 57 on the %s engine', (engine) => {
  const detector = new Detector({ engine });

  it('reports the tag value as one track 2 finding with the brand of the PAN inside', () => {
    const text = 'ICC data: 8407A0000000031010571036227206271667D27122010000000009F2701809F360200A1';
    expect(detector.detect(text).map((f) => [f.type, f.start, f.end, f.brand])).toEqual([['track2', 32, 64, 'diners']]);
  });

  it('reports a grouped PAN between the sentinels as one track 2, and without them only the PAN', () => {
    const brief = (text: string) => detector.detect(text).map((f) => [f.type, f.start, f.end]);
    expect(brief('swipe ;4111 1111 1111 1111=25121010000000000? ok')).toEqual([['track2', 6, 45]]);
    expect(brief('card 4111 1111 1111 1111=2512101 ok')).toEqual([['pan', 5, 24]]);
  });
});

describe('track 2 with spaces around its fields', () => {
  // The card window is the PAN (digits or groups) right before the space.
  const spaced = (text: string, pan: string) => {
    const start = text.indexOf(pan);
    const t = parseSpacedTrack2(Buffer.from(text, 'latin1'), start, start + pan.length);
    return t ? [t.type, t.start, t.end, t.brand, t.testCard] : undefined;
  };

  it.each([
    ['; 4111111111111111 = 2512 101 0000?', '4111111111111111', ['track2', 2, 34, 'visa', true]],
    [';4111111111111111 =2512101000?', '4111111111111111', ['track2', 1, 29, 'visa', true]],
    ['swipe: ; 5555 5555 5555 4444 = 2706 201 00000 ? ok', '5555 5555 5555 4444', ['track2', 9, 45, 'mastercard', true]],
    ['; 378282246310005 = 2612?', '378282246310005', ['track2', 2, 24, 'amex', true]],
  ])('%s', (text, pan, expected) => {
    expect(spaced(text, pan)).toEqual(expected);
  });

  it.each([
    ['without the start sentinel', 'card 4111111111111111 = 2512 101 0000?', '4111111111111111'],
    ['without the end sentinel', '; 4111111111111111 = 2512 101 0000 end', '4111111111111111'],
    ['with a month that is not one', '; 4111111111111111 = 2513 101 0000?', '4111111111111111'],
    ['with a PAN failing Luhn', '; 4111111111111112 = 2512 101 0000?', '4111111111111112'],
    ['with a word inside the data', '; 4111111111111111 = 2512 101 x 0000?', '4111111111111111'],
    ['longer than a track 2', '; 4111111111111111 = 2512 101 0000 0000 0000 0000 0000?', '4111111111111111'],
    ['with a gap of two spaces', '; 4111111111111111 = 2512  101?', '4111111111111111'],
  ])('is not read %s', (_why, text, pan) => {
    expect(spaced(text, pan)).toBeUndefined();
  });
});
