/**
 * False positives in ops output, phones and identifiers (red team s3 F2, F5, F6): numbers whose
 * key, list, call or layout names something other than a card. Near misses that must stay PANs sit
 * next to each rule.
 */
import { describe, expect, it } from 'vitest';
import { Detector } from '../../lib/detectors/detector.js';
import type { Sensitivity } from '../../lib/detectors/types.js';

const VISA = '4111111111111111';
const MC = '5555555555554444';

describe.each(['hyperscan', 'javascript'] as const)('ops output and identifiers on the %s engine', (engine) => {
  const detectors = new Map<Sensitivity, Detector>();
  const pans = (text: string, sensitivity: Sensitivity = 'standard'): string[] => {
    let d = detectors.get(sensitivity);
    if (!d) detectors.set(sensitivity, (d = new Detector({ engine, sensitivity })));
    return d
      .detect(text)
      .filter((f) => f.type === 'pan')
      .map((f) => `${f.brand} ${f.start}-${f.end}`);
  };

  describe('a later element of a list takes the list key', () => {
    it.each([
      [`ids: [${VISA}, ${MC}]`, []],
      [`{"ids":[${VISA},${MC}]}`, []],
      [`user_ids=${VISA},${MC}`, []],
      [`DELETE FROM sessions WHERE user_id IN (${VISA}, ${MC})`, []],
      [`SELECT * FROM t WHERE id IN (${VISA})`, []],
      // A card key covers the list too; a list with no key stays cards.
      [`cards: [${VISA}, ${MC}]`, ['visa 8-24', 'mastercard 26-42']],
      [`WHERE card IN (${VISA}, ${MC})`, ['visa 15-31', 'mastercard 33-49']],
      [`(${VISA}, ${MC})`, ['visa 1-17', 'mastercard 19-35']],
      // Not a list of ids: a short number then a comma keeps the card (`qty 2, 4111…`), a CSV row too.
      [`qty 2, ${VISA}`, ['visa 7-23']],
      [`user_id,12345,${VISA}`, ['visa 14-30']],
    ])('%s', (text, expected) => {
      expect(pans(text)).toEqual(expected);
    });
  });

  describe('words before a generic word name the value', () => {
    it.each([
      [`Your confirmation number is ${VISA}.`, []],
      [`Global seed set to ${VISA}`, []],
      [`random_seed=${VISA}`, []],
      [`Your card number is ${VISA}`, ['visa 20-36']],
      [`my number is ${VISA}`, ['visa 13-29']],
    ])('%s', (text, expected) => {
      expect(pans(text)).toEqual(expected);
    });
  });

  describe('a method call names its value', () => {
    it.each([
      [`System.nanoTime()=${VISA}`, []],
      [`getUserId()=${VISA}`, []],
      [`getCardNumber()=${VISA}`, ['visa 16-32']],
      [`f()=${VISA}`, ['visa 4-20']],
    ])('%s', (text, expected) => {
      expect(pans(text)).toEqual(expected);
    });
  });

  describe('identifier keys: licences, IMEISV, Discord ids, digit-suffixed keys', () => {
    it.each([
      ['License: 4111-1111-1111-1111', []],
      ['license key 4111 1111 1111 1111', []],
      [`imeisv=${VISA} tac ok`, []],
      [`guild ${VISA} ready`, []],
      ['{"gtin13":"4222222222222"}', []],
      ['ean13=4222222222222', []],
      // A card word still wins.
      ['card_license: 4111-1111-1111-1111', ['visa 14-33']],
      [`License: 4111-1111-1111-1111 exp 12/27 cvv 123`, ['visa 9-28']],
    ])('%s', (text, expected) => {
      expect(pans(text)).toEqual(expected);
    });
  });

  it('keeps every rule at high sensitivity and reports the ids at low confidence at restricted', () => {
    expect(pans(`DELETE FROM sessions WHERE user_id IN (${VISA}, ${MC})`, 'high')).toEqual([]);
    expect(pans(`Your confirmation number is ${VISA}.`, 'high')).toEqual([]);
    expect(pans(`System.nanoTime()=${VISA}`, 'restricted')).toEqual(['visa 18-34']);
  });
});
