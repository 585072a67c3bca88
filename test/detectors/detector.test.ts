import { describe, expect, it } from 'vitest';
import { Detector, detect } from '../../lib/detectors/detector.js';
import { DetectorError } from '../../lib/detectors/errors.js';
import { brandOf } from '../../lib/detectors/iin.js';

const engines = ['javascript', 'hyperscan'] as const;
const brief = (findings: ReturnType<Detector['detect']>) => findings.map((f) => [f.type, f.start, f.end]);

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as DetectorError).code;
  }
  return undefined;
}

describe.each(engines)('Detector on the %s engine', (engine) => {
  const detector = new Detector({ engine });

  it('reports its engine and sensitivity', () => {
    expect(detector.engine).toBe(engine);
    expect(detector.sensitivity).toBe('standard');
  });

  it('reports a finding with every field, and the raw value only on request', () => {
    const [finding] = detector.detect('card 4111 1111 1111 1111');
    expect(finding).toEqual({
      type: 'pan',
      brand: 'visa',
      start: 5,
      end: 24,
      confidence: 0.97,
      detector: 'pci.pan',
      flags: { testCard: true, masked: false, evasion: false },
    });
    expect(detector.detect('card 4111 1111 1111 1111', { includeValues: true })[0]?.value).toBe('4111 1111 1111 1111');
  });

  it('flags published test cards but not other valid numbers', () => {
    const other = '4539578763621486';
    expect(brandOf(other)).toBe('visa');
    expect(detector.detect(`card ${other}`)[0]?.flags.testCard).toBe(false);
    expect(detector.detect('card 5555555555554444')[0]?.flags.testCard).toBe(true);
  });

  it('reports a whole track as one finding, not a track and a PAN', () => {
    expect(brief(detector.detect('t2 ;4111111111111111=27051010000000000? end'))).toEqual([['track2', 3, 39]]);
    expect(brief(detector.detect('%B4111111111111111^DOE/JOHN^2705101000000?'))).toEqual([['track1', 0, 42]]);
  });

  it('reports masked PANs as masked only', () => {
    const findings = detector.detect('card 411111******1111');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ type: 'masked_pan', brand: 'visa', start: 5, end: 21, flags: { masked: true } });
  });

  it('uses the PAN brand for the length of an unlabelled CVV after it: 4 digits for Amex, 3 for others', () => {
    expect(brief(detector.detect('amex 378282246310005 1234'))).toEqual([['pan', 5, 20], ['cvv', 21, 25]]);
    expect(brief(detector.detect('amex 378282246310005 123'))).toEqual([['pan', 5, 20]]);
    expect(brief(detector.detect('4111111111111111 123'))).toEqual([['pan', 0, 16], ['cvv', 17, 20]]);
    expect(brief(detector.detect('4111111111111111 1234'))).toEqual([['pan', 0, 16]]);
  });

  it('reports a labelled CVV of 3 or 4 digits whatever the brand (Amex back codes, mistyped lengths)', () => {
    expect(brief(detector.detect('amex 378282246310005 cvv 1234'))).toEqual([['pan', 5, 20], ['cvv', 25, 29]]);
    expect(brief(detector.detect('amex 378282246310005 cvv 123'))).toEqual([['pan', 5, 20], ['cvv', 25, 28]]);
    expect(brief(detector.detect('visa 4111111111111111 cvv 1234'))).toEqual([['pan', 5, 21], ['cvv', 26, 30]]);
    expect(brief(detector.detect('cvv 1234'))).toEqual([['cvv', 4, 8]]);
    expect(brief(detector.detect('cvv 12345'))).toEqual([]);
  });

  it('maps findings to UTF-16 offsets for strings and byte offsets for Buffers', () => {
    const text = 'ñandú card ４１１１ １１１１ １１１１ １１１１!';
    const [f] = detector.detect(text);
    expect(text.slice(f!.start, f!.end)).toBe('４１１１ １１１１ １１１１ １１１１');
    expect(f!.flags.evasion).toBe(true);
    const bytes = Buffer.from(text, 'utf8');
    const [g] = detector.detect(bytes);
    expect(bytes.subarray(g!.start, g!.end).toString('utf8')).toBe('４１１１ １１１１ １１１１ １１１１');
  });

  it('compiles custom patterns into the same database and merges their overlapping ends', () => {
    const d = new Detector({ engine, customPatterns: [{ name: 'auth', expression: 'AUTH-[0-9A-Z]{6,12}' }] });
    expect(d.detect('ok AUTH-ABC123XYZ done card 4111111111111111')).toEqual([
      { type: 'custom', start: 3, end: 17, confidence: 1, detector: 'dlp:auth', flags: { testCard: false, masked: false, evasion: false } },
      expect.objectContaining({ type: 'pan', start: 28, end: 44 }),
    ]);
  });

  it('matches blocked terms case-insensitively as whole words, and fuzzily within maxDistance', () => {
    const d = new Detector({ engine, blockedTerms: [{ term: 'Project Falcon' }, { term: 'nightingale', maxDistance: 1 }] });
    expect(brief(d.detect('about project falcon and project falconry'))).toEqual([['blocked_term', 6, 20]]);
    // nightingal (1 deletion) and NIGHTINGALE match; nitingale and bnightingalex (2 edits as words) do not.
    expect(brief(d.detect('the nightingal plan, NIGHTINGALE and nitingale, not bnightingalex'))).toEqual([
      ['blocked_term', 4, 14],
      ['blocked_term', 21, 32],
    ]);
    expect(d.detect('Nightingale')[0]?.detector).toBe('dlp:blocked_term');
  });

  it('serializes its database and rebuilds from it without compiling', () => {
    const copy = new Detector({ engine, serialized: detector.serialize() });
    expect(copy.engine).toBe(engine);
    expect(copy.detect('cc 5555 5555 5555 4444 cvv 321')).toEqual(detector.detect('cc 5555 5555 5555 4444 cvv 321'));
  });

  it('finds nothing in the empty input', () => {
    expect(detector.detect('')).toEqual([]);
    expect(detector.detect(new Uint8Array(0))).toEqual([]);
    expect(detector.detectBatch([])).toEqual([]);
  });
});

describe('sensitivity levels', () => {
  const text = 'ref ab_4111111111111111 and uid=5555555555554444';
  it('standard rejects a PAN attached to a word and after an identifier key', () => {
    expect(new Detector({ engine: 'javascript' }).detect(text)).toEqual([]);
  });
  it('high accepts the attached one at low confidence, still not the identifier', () => {
    const found = new Detector({ engine: 'javascript', sensitivity: 'high' }).detect(text);
    expect(found.map((f) => [f.start, f.end, f.confidence])).toEqual([[7, 23, 0.5]]);
  });
  it('restricted reports both, the identifier at the lowest confidence', () => {
    const found = new Detector({ engine: 'javascript', sensitivity: 'restricted' }).detect(text);
    expect(found.map((f) => [f.start, f.end, f.confidence])).toEqual([[7, 23, 0.35], [32, 48, 0.35]]);
  });
});

describe('errors', () => {
  it('names a bad option with a stable code', () => {
    expect(codeOf(() => new Detector({ sensitivity: 'max' as never }))).toBe('ERR_INVALID_OPTIONS');
    expect(codeOf(() => new Detector({ customPatterns: [{ name: '', expression: 'x' }] }))).toBe('ERR_INVALID_OPTIONS');
    expect(codeOf(() => new Detector({ customPatterns: [{ name: 'a', expression: 'x' }, { name: 'a', expression: 'y' }] }))).toBe('ERR_INVALID_OPTIONS');
    expect(codeOf(() => new Detector({ blockedTerms: [{ term: 'abc', maxDistance: 2 }] }))).toBe('ERR_INVALID_OPTIONS');
    expect(codeOf(() => new Detector({ blockedTerms: [{ term: 'falcon', maxDistance: 3 }] }))).toBe('ERR_INVALID_OPTIONS');
  });

  it.each(engines)('names the custom pattern that does not compile (%s), never falling back silently', (engine) => {
    let error: DetectorError | undefined;
    try {
      new Detector({ engine, customPatterns: [{ name: 'broken', expression: 'a(b' }] });
    } catch (e) {
      error = e as DetectorError;
    }
    expect(error?.code).toBe('ERR_PATTERN_COMPILE');
    expect(error?.message).toMatch(/^custom pattern "broken" failed to compile/);
  });

  it('rejects input that is neither a string nor bytes', () => {
    expect(codeOf(() => new Detector({ engine: 'javascript' }).detect(42 as never))).toBe('ERR_INVALID_INPUT');
  });

  it('fails closed with ERR_DETECTION_FAILED when the database is gone', () => {
    const d = new Detector({ engine: 'javascript' });
    d.close();
    let error: DetectorError | undefined;
    try {
      d.detect('card 4111111111111111');
    } catch (e) {
      error = e as DetectorError;
    }
    expect(error?.code).toBe('ERR_DETECTION_FAILED');
    expect(error?.message).not.toContain('4111');
  });
});

describe('detect()', () => {
  it('uses a lazily created default detector', () => {
    expect(detect('pan=4111111111111111').map((f) => f.type)).toEqual(['pan']);
  });
});

describe('lists of cards in one digit run', () => {
  const spans = (text: string) => new Detector({ engine: 'javascript' }).detect(text).map((f) => [f.type, f.start, f.end]);

  it('finds each of two printed cards side by side, and a trailing CVV', () => {
    expect(spans('card 4111 1111 1111 1111 5555 5555 5555 4444')).toEqual([
      ['pan', 5, 24],
      ['pan', 25, 44],
    ]);
    expect(spans('4000 0000 0000 0002 4000000000000002 123')).toEqual([
      ['pan', 0, 19],
      ['pan', 20, 36],
      ['cvv', 37, 40],
    ]);
  });

  it('still rejects a printed window inside a longer number that is not made of cards', () => {
    expect(spans('ref 1234 5678 9012 3456 4111 1111 1111 1111')).toEqual([]);
  });
});

describe('cards at the edges of log lines and forms (leaks found by the adversarial review)', () => {
  const detector = new Detector({ engine: 'javascript' });
  const spans = (text: string) => detector.detect(text).map((f) => [f.type, f.start, f.end]);

  it('finds a PAN at the end of a line when the next line starts with digits', () => {
    expect(spans('INFO card 4111111111111111\n081109 203807 222 INFO next')).toEqual([['pan', 10, 26]]);
    expect(spans('INFO card 4111111111111111\r\n17/06/09 20:10:40 INFO next')).toEqual([['pan', 10, 26]]);
    expect(spans('4111111111111111\n5555555555554444\n')).toEqual([
      ['pan', 0, 16],
      ['pan', 17, 33],
    ]);
  });

  it('still joins a PAN wrapped across a line break', () => {
    expect(spans('pan 41111111\n11111111 end')).toEqual([['pan', 4, 21]]);
  });

  it('finds a grouped PAN followed by its expiry and CVV', () => {
    expect(spans('card 4111 1111 1111 1111 12/27 123')).toEqual([
      ['pan', 5, 24],
      ['expiry', 25, 30],
      ['cvv', 31, 34],
    ]);
    expect(spans('3782 822463 10005 12/27 1234')).toEqual([
      ['pan', 0, 17],
      ['expiry', 18, 23],
      ['cvv', 24, 28],
    ]);
  });

  it('finds a PAN after a card key even when more numbers follow in the same run', () => {
    expect(spans('card=4111 1111 1111 1111 081109 203615 148 INFO')).toEqual([['pan', 5, 24]]);
    // The MMYY and CVV fields of the dump are card data too (red team s3, L3).
    expect(spans('card=4111111111111111/1227/123')).toEqual([['pan', 5, 21], ['expiry', 22, 26], ['cvv', 27, 30]]);
  });

  it('reads JSON escapes and the track 1 sentinel as delimiters, not glued words', () => {
    expect(spans('"msg":"line1\\n4111111111111111\\nline3"')).toEqual([['pan', 14, 30]]);
    expect(spans('%B4111111111111111^DOE/JOHN')).toEqual([['pan', 2, 18]]);
  });

  it('does not read a 24-digit grouped number as a card with an expiry', () => {
    expect(spans('4111 1111 1111 1111 1111 1111')).toEqual([]);
  });
});

describe('identifier keys that are not cards', () => {
  it('ignores Luhn-valid issuer-range numbers after checksum, message, ticket and retrieval-reference keys', () => {
    const detector = new Detector({ engine: 'javascript' });
    for (const text of ['crc32=5268101968526477', 'msgid=2241583583123302', 'ticket #376853516779558', 'PO 4919363989487073', '"rrn": "4559015011738"']) {
      expect(detector.detect(text)).toEqual([]);
    }
    expect(detector.detect('card token 4111111111111111').map((f) => f.type)).toEqual(['pan']);
  });
});
