/**
 * Published test card numbers: every one passes Luhn, and a PAN that is one
 * is reported with `flags.testCard` while other valid numbers of the same prefix are not.
 */
import { describe, expect, it } from 'vitest';
import { Detector } from '../../lib/detectors/detector.js';
import { TEST_CARDS, isTestCard, luhn } from '../../lib/detectors/luhn.js';

const engines = ['javascript', 'hyperscan'] as const;

describe('the published test card list', () => {
  it('holds only numbers a PAN can be (12-19 digits passing Luhn)', () => {
    const invalid = [...TEST_CARDS].filter((n) => !/^\d{12,19}$/.test(n) || !luhn(n));
    expect(invalid).toEqual([]);
  });

  it("holds Stripe's brand, country, decline, fraud, dispute and 3D Secure numbers", () => {
    for (const n of ['6011981111111113', '6200000000000047', '6555900000604105', '4000002500001001', '4000001240000000',
      '4000008260000000', '4100000000000019', '4000000000004954', '4000000000000259', '4000002760003184']) {
      expect(isTestCard(n)).toBe(true);
    }
  });

  it("holds Authorize.Net's and PayPal Payflow's numbers", () => {
    for (const n of ['4007000000027', '5424000000000015', '6011000000000012', '38000000000006', '6331101999990016']) {
      expect(isTestCard(n)).toBe(true);
    }
  });

  it('does not hold a neighbouring valid number', () => {
    // Same prefixes as Stripe's numbers, other check-digit-valid bodies.
    for (const n of ['4000000000000051', '4000008260000018', '4100000000000027']) {
      expect(luhn(n)).toBe(true);
      expect(isTestCard(n)).toBe(false);
    }
  });
});

describe.each(engines)('test-card flag on the %s engine', (engine) => {
  const detector = new Detector({ engine });

  it.each([
    ['card 4000002760003184', 'visa', true],
    ['{"number":"6011981111111113"}', 'discover', true],
    ['{"number":"6200000000000047"}', 'unionpay', true],
    ['card 4000000000000051', 'visa', false],
  ])('%s', (text, brand, testCard) => {
    const [f] = detector.detect(text);
    const start = text.search(/\d{12}/);
    expect([f?.type, f?.brand, f?.start, f?.end, f?.flags.testCard]).toEqual(['pan', brand, start, start + 16, testCard]);
  });
});
