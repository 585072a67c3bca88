/**
 * Expiry, CVV and PIN labels beyond the English keys: `MM/YY` and `Sec Code` anywhere (Hyperscan
 * literals), non-English labels written in ASCII only near a PAN on its line (labels.ts
 * labelsNearPan), ISO 8583 field 52 PIN blocks in the message of a card (pinBlocksNearCards).
 */
import { describe, expect, it } from 'vitest';
import { Detector } from '../../lib/detectors/detector.js';

const PAN = '4111111111111111';

describe.each(['hyperscan', 'javascript'] as const)('labels on the %s engine', (engine) => {
  const detector = new Detector({ engine });
  const spans = (text: string): string[] => detector.detect(text).map((f) => `${f.type} ${text.slice(f.start, f.end)}`);

  it.each([
    ['MM/YY: 12/27', ['expiry 12/27']],
    ['MM/YYYY 03/2029', ['expiry 03/2029']],
    ['{"MM/YY":"03/2029"}', ['expiry 03/2029']],
    ['| MM/YY | 1227 |', ['expiry 1227']],
    ['Sec Code: 123', ['cvv 123']],
    ['card_sec_code=737', ['cvv 737']],
    ['| Sec Code | 4321 |', ['cvv 4321']],
    // Not labels: inside a word, a format with no value, a latency.
    ['DDMM/YY 12/27', []],
    ['date format MM/YY', []],
    ['latency 3 msec code 200', []],
  ])('%s', (text, expected) => {
    expect(spans(text)).toEqual(expected);
  });

  it.each([
    ['es', `tarjeta ${PAN} fecha de caducidad 12/27`, 'expiry 12/27'],
    ['es', `Mi tarjeta es ${PAN}, vence el 12/27`, 'expiry 12/27'],
    ['es', `tarjeta ${PAN} vencimiento: 2027-12`, 'expiry 2027-12'],
    ['pt', `cartão ${PAN} validade 12/27`, 'expiry 12/27'],
    ['it', `carta ${PAN} scadenza: 03/2029`, 'expiry 03/2029'],
    ['de', `Karte ${PAN} Ablaufdatum: 12/27`, 'expiry 12/27'],
    ['nl', `kaart ${PAN} vervaldatum 12/27`, 'expiry 12/27'],
    ['tr', `kart ${PAN} son kullanma tarihi 12/27`, 'expiry 12/27'],
    ['pl', `karta ${PAN} data waznosci 12/27`, 'expiry 12/27'],
    ['fr', `carte ${PAN}, cryptogramme 123`, 'cvv 123'],
    ['it', `carta ${PAN} codice di sicurezza: 123`, 'cvv 123'],
    ['nl', `kaart ${PAN} beveiligingscode 123`, 'cvv 123'],
    ['de', `Karte ${PAN} Pruefnummer 123`, 'cvv 123'],
    ['sv', `kort ${PAN} sakerhetskod 123`, 'cvv 123'],
    ['de', `Karte ${PAN} Geheimzahl: 4921`, 'pin 4921'],
    ['es, before the card', `fecha de caducidad 12/27, tarjeta ${PAN}`, 'expiry 12/27'],
    ['en prose', `my card is ${PAN} and the numbers on the back are 123`, 'cvv 123'],
    ['en prose', `card ${PAN}, back of the card says 321`, 'cvv 321'],
    ['amex, 4 digits', 'Amex 378282246310005 cryptogramme 1234', 'cvv 1234'],
  ])('%s: %s', (_language, text, expected) => {
    expect(spans(text)).toEqual(expect.arrayContaining([expected]));
    expect(spans(text)).toHaveLength(2);
  });

  it('reads no ASCII-only foreign label without a PAN on its line, nor far from it', () => {
    expect(spans('vencimiento: 12/27')).toEqual([]);
    expect(spans('cryptogramme 123')).toEqual([]);
    expect(spans(`tarjeta ${PAN}\nvencimiento: 12/27`)).toEqual([`pan ${PAN}`]);
    expect(spans(`tarjeta ${PAN} ${'x'.repeat(170)} vencimiento: 12/27`)).toEqual([`pan ${PAN}`]);
  });

  it('takes a CVV as long as the card has it: 3 digits for Visa, 4 for Amex', () => {
    expect(spans(`carte ${PAN} cryptogramme 1234`)).toEqual([`pan ${PAN}`]);
    expect(spans('Amex 378282246310005 cryptogramme 123')).toEqual(['pan 378282246310005']);
  });

  it('needs a label to be a word of its own, or a stem at a word start', () => {
    expect(spans(`card ${PAN} validation 2027-12-01`)).toEqual([`pan ${PAN}`]);
    expect(spans(`card ${PAN} Gesamtablauf 12/27`)).toEqual([`pan ${PAN}`]);
    expect(spans(`card ${PAN} skts 12/27`)).toEqual([`pan ${PAN}`]);
  });

  it.each([
    ['DE52 after field 2', 'DE2=164111111111111111 DE52=0412AC89ABCDEF67', ['pan 4111111111111111', 'pin_block 0412AC89ABCDEF67']],
    [
      'a message over lines, the block grouped',
      'DE2: 164111111111111111\nDE35: 4111111111111111=2512101\nDE52: 0412 AC89 ABCD EF67',
      ['pan 4111111111111111', 'track2 4111111111111111=2512101', 'pin_block 0412 AC89 ABCD EF67'],
    ],
    [
      'F52, field 52, [052]',
      `card ${PAN} F52:0412AC89ABCDEF67 field 52 0412AC89ABCDEF68 [052] 0412AC89ABCDEF69`,
      [`pan ${PAN}`, 'pin_block 0412AC89ABCDEF67', 'pin_block 0412AC89ABCDEF68', 'pin_block 0412AC89ABCDEF69'],
    ],
    ['not field 52 (AF52, DE520, a bare 52)', `card ${PAN} AF52 0412AC89ABCDEF67 DE520 0412AC89ABCDEF67 52 0412AC89ABCDEF67`, [`pan ${PAN}`]],
    ['no card in the message', 'MTI 0200 DE3=000000 DE52=0412AC89ABCDEF67', []],
    ['the card too far away', `card ${PAN} ${'x'.repeat(800)} DE52=0412AC89ABCDEF67`, [`pan ${PAN}`]],
  ])('ISO 8583 field 52: %s', (_name, text, expected) => {
    expect(spans(text)).toEqual(expected);
  });
});
