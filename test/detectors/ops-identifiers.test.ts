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

/** `brand start-end` of the PANs one engine finds in a text, at a sensitivity (detectors made once each). */
function pansOn(engine: 'hyperscan' | 'javascript'): (text: string, sensitivity?: Sensitivity) => string[] {
  const detectors = new Map<Sensitivity, Detector>();
  return (text, sensitivity = 'standard') => {
    let d = detectors.get(sensitivity);
    if (!d) detectors.set(sensitivity, (d = new Detector({ engine, sensitivity })));
    return d
      .detect(text)
      .filter((f) => f.type === 'pan')
      .map((f) => `${f.brand} ${f.start}-${f.end}`);
  };
}

describe.each(['hyperscan', 'javascript'] as const)('ops output and identifiers on the %s engine', (engine) => {
  const pans = pansOn(engine);

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
      ['Activation code: 4111-1111-1111-1111', []],
      [`imeisv=${VISA} tac ok`, []],
      [`guild ${VISA} ready`, []],
      ['Joined server 657231675733706920', []],
      ['{"gtin13":"4222222222222"}', []],
      ['ean13=4222222222222', []],
      // A card word still wins, in the key or as the word right before it.
      ['card_license: 4111-1111-1111-1111', ['visa 14-33']],
      ['card license: 4111-1111-1111-1111', ['visa 14-33']],
      ['Card activation: 4111 1111 1111 1111', ['visa 17-36']],
      [`card order number ${VISA}`, ['visa 18-34']],
      [`discard order ${VISA}`, []],
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

describe.each(['hyperscan', 'javascript'] as const)('measurements and prose on the %s engine', (engine) => {
  const pans = pansOn(engine);
  const VISA13 = '4222222222222';

  describe('values ops tools print', () => {
    it.each([
      [`node_network_receive_bytes_total{device="eth0"} ${VISA13}`, []],
      [`node_filesystem_size_bytes{fstype="ext4",mountpoint="/"} ${VISA} 1700000000000`, []],
      [`-rw-r--r-- 1 postgres postgres ${VISA13} Nov 28 03:12 base.tar.gz`, []],
      [`drwxr-xr-x. 2 root root ${VISA} Jan  3 2024 data`, []],
      [`${VISA13}\t/var/lib/mysql`, []],
      [`Filesystem 1B-blocks Used\n/dev/sda1 ${VISA13} 120000000000`, []],
      [`{"to":"0x9f8e7d6c5b4a39281706f5e4d3c2b1a098765432","value":"${VISA}","gas":"21000"}`, []],
      [`{"gasUsed":"${VISA}"}`, []],
      [`${VISA}\ttotal`, []],
      [`"GET / HTTP/1.1" 200 ${VISA}`, []],
      [`10.0.0.1 - - [28/Nov/2026:10:00:00 +0000] "POST /pay HTTP/2" 201 ${VISA} "-" "curl/8"`, []],
      // Near misses: a card in the request line, a status without a request line before it,
      // a JSON object before, a card-named metric, a tab then a word, a path that is no
      // device, a value with no Ethereum address, an ls line whose number is not before the date.
      [`"GET /c/${VISA} HTTP/1.1" 200 512`, ['visa 8-24']],
      [`status 200 ${VISA}`, ['visa 11-27']],
      [`{"a":1} ${VISA}`, ['visa 8-24']],
      [`card_number{a="b"} ${VISA}`, ['visa 19-35']],
      [`${VISA}\tvisa`, ['visa 0-16']],
      [`/home/x ${VISA}`, ['visa 8-24']],
      [`{"value":"${VISA}"}`, ['visa 10-26']],
      [`-rw-r--r-- 1 u g 12 Nov 28 03:12 ${VISA}`, ['visa 33-49']],
      // Counts, minor units, a percentage or a currency sign after one space.
      [`charged ${VISA} cents`, []],
      [`got ${VISA} points`, []],
      [`served ${VISA} page views`, ['visa 7-23']],
      [`served ${VISA} views`, []],
      [`got ${VISA} %`, []],
      [`got ${VISA} €`, []],
      [`got ${VISA} x`, ['visa 4-20']],
    ])('%s', (text, expected) => {
      expect(pans(text)).toEqual(expected);
    });
  });

  describe('CSV columns take their header', () => {
    it.each([
      ['sku,ean13,qty\nMUG-01,4100399917081,12\n', []],
      [`order_id;name\n${VISA};bob`, []],
      [`ean13,qty\n1,2\n3,4\n${VISA13},5`, []],
      // A header more than ~1 KB up is out of reach (a stream segment's decision must not depend on it).
      [`ean13,qty\n${'1,2\n'.repeat(400)}${VISA13},5`, [`visa 1610-1623`]],
      // A card column, a neutral header, a row whose field count differs from the header's.
      [`id,card_number,exp\n1,${VISA},12/27`, ['visa 21-37']],
      [`a,b\n1,2\n3,${VISA}`, ['visa 10-26']],
      [`ean13,qty\n${VISA13},5,6`, ['visa 10-23']],
    ])('%s', (text, expected) => {
      expect(pans(text)).toEqual(expected);
    });
  });

  describe('an SQL INSERT value takes its column', () => {
    it.each([
      [`INSERT INTO t (id, amount) VALUES (${VISA}, 12)`, []],
      ["INSERT INTO t (`name`, `user_id`) VALUES ('a, b', " + VISA + ')', []],
      // A card column, no column list, a value under a column that is no identifier.
      [`INSERT INTO payments (id, card_number) VALUES (12, ${VISA})`, ['visa 51-67']],
      [`INSERT INTO payments (order_id, pan) VALUES (${VISA13}, '${VISA}')`, ['visa 61-77']],
      [`INSERT INTO t VALUES (${VISA})`, ['visa 22-38']],
      [`INSERT INTO t (note, amount) VALUES (${VISA}, 12)`, ['visa 37-53']],
    ])('%s', (text, expected) => {
      expect(pans(text)).toEqual(expected);
    });
  });

  describe('prose that names another number', () => {
    it.each([
      ['Llámame al 573429730449 por favor', []],
      ['WhatsApp 584121234567', []],
      [`Call me at ${VISA13}`, []],
      ['FedEx Ground 378282246310005', []],
      [`Routing: 021000021 Account: ${VISA}`, []],
      [`The 30th Fibonacci-like term is ${MC}.`, []],
      // A 16-digit number is longer than any phone number; card words win; a bare 12-digit Maestro
      // with another country code stays a card; an account number without a routing number too.
      [`Call me at ${VISA}`, ['visa 11-27']],
      [`call me, card ${VISA13}`, ['visa 14-27']],
      ['card 573429730449', ['maestro 5-17']],
      ['571234567899', ['maestro 0-12']],
      [`account number ${VISA}`, ['visa 15-31']],
    ])('%s', (text, expected) => {
      expect(pans(text)).toEqual(expected);
    });
  });

  it('reports them at restricted sensitivity at low confidence only', () => {
    const d = new Detector({ engine, sensitivity: 'restricted' });
    const found = d.detect(`-rw-r--r-- 1 postgres postgres ${VISA13} Nov 28 03:12 base.tar.gz`).filter((f) => f.type === 'pan');
    expect(found.map((f) => [f.start, f.end, f.confidence])).toEqual([[31, 44, 0.35]]);
  });
});
