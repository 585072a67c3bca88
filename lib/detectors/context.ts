/**
 * Context around a candidate: the key or word attached to it and the card words nearby.
 *
 * Why context and not shape: real logs are full of Luhn-valid, issuer-range digit runs (HDFS block
 * ids, epoch microseconds, zero-filled addresses). What separates a PAN from them is what is
 * written next to it: `card=`, `cc`, `pan` on one side; `blk_`, `uid=`, `+` (a phone number), a
 * hex hash or a longer identifier on the other.
 */
import { asciiLower, bytesText, isAlnum, isAlpha, isDigit, isHex } from './text.js';

/** Words that say "a card number follows". Matched against a key's parts. */
const POSITIVE =
  /(?:card|^cc$|^ccn|^ccnum|^cc(?:no|num|number)$|^pan(?:no|num|number)?$|credit|debit|visa|mastercard|^mc$|amex|discover|^jcb$|diners|unionpay|maestro|^mir$|rupay|^elo$|hipercard|^verve$|^troy$|uatp|payment|tarjeta|karte|carte|cartao|kaart|kort)/;

/** Keys that name an identifier, a measurement or a time, not a card. */
const NEGATIVE =
  /(?:^|_)(?:blk|block|blockid|uid|gid|pid|tid|id|ids|ts|time|timestamp|epoch|date|seq|sequence|offset|inode|ino|port|phone|tel|telephone|mobile|cell|fax|msisdn|imei|imsi|iccid|meid|isbn|issn|ean|upc|gtin|sku|order|orderid|invoice|tracking|trace|traceid|span|spanid|req|request|requestid|session|sessionid|sid|uuid|guid|hash|sha|sha1|sha256|md5|crc|checksum|nonce|build|ver|version|ip|mac|addr|address|size|len|length|bytes|count|total|amount|balance|price|usd|eur|gbp|jpy|inr|cny|aud|cad|chf|rub|brl|container|application|attempt|job|task|app|appattempt|txid|txn|xid|zxid|lsn|pos|position|serial|sn|vin|iban|bic|swift|account_id|user|userid|customer|cust|ref|reference|crc32|msgid|messageid|key|barcode|ticket|shipment|awb|po|rrn|arn|stan|sector|revision|rev|commit|build_id|token|etag|digest|elapsed|duration|latency|batch|shard|partition|receipt|confirmation|bestellnummer|commande|pedido|referencia|reservation|booking|license|licence|licensekey|activation|imeisv|guild|server|channel|snowflake|seed|wei|gwei|gas)$/;

/** Card words anywhere in the preceding text (for confidence, not for acceptance). */
const NEARBY_POSITIVE =
  /card|credit|debit|\bcc\b|\bccn|\bpan\b|visa|mastercard|amex|discover|maestro|unionpay|payment|cvv|cvc|expir/;

export type KeyKind = 'positive' | 'negative' | 'neutral' | 'none';

export interface LeftContext {
  /** No delimiter between the key and the digits (`card4111…`, `abc4111…`). */
  readonly glued: boolean;
  /** The delimiter characters skipped between key and digits (`=`, `: `, `_`, …). */
  readonly delimiters: string;
  /** The key or word before, lower case ('' when none). */
  readonly word: string;
  readonly kind: KeyKind;
  /** A `+` directly before: a phone number in international format. */
  readonly phone: boolean;
  /** A currency sign directly before, or before one space (`$4111…`, `€ 4111…`): an amount. */
  readonly currency: boolean;
  /**
   * Punctuation that makes the digits part of something else: a minus sign (`-4111…`,
   * `delta=-4111…`), a port after an IPv4 address (`10.0.0.1:4111…`), `@` (mentions, handles:
   * `<@4111…>`) or an HTML character reference (`&#4111…;`).
   */
  readonly marked: boolean;
}

export interface RightContext {
  /** Letters glued directly after the digits (`4111…abc`). */
  readonly gluedAlpha: boolean;
  /** `.`, `_`, `/`, `-`, `:` or `@` followed by a letter or digit: part of a longer token (`…@mail.test`). */
  readonly attached: boolean;
}

/** Splits a key into parts: snake_case, kebab-case, dots, and camelCase boundaries. */
function keyParts(raw: string): string[] {
  return raw
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[_\-.]+/)
    .filter((p) => p.length > 0);
}

const keyCache = new Map<string, KeyKind>();

/** Classifies a key (`card_number`, `blk`, `userId`). Positive wins over negative. Memoised: logs repeat their keys. */
export function classifyKey(raw: string): KeyKind {
  if (raw.length === 0) return 'none';
  const cached = keyCache.get(raw);
  if (cached) return cached;
  const kind = classify(raw);
  if (keyCache.size > 4096) keyCache.clear();
  keyCache.set(raw, kind);
  return kind;
}

/** Last key parts that name written text: an LLM app's `user_message`, `user_input`, `prompt`. */
const CONTENT_PART = new Set(['message', 'msg', 'input', 'prompt', 'content', 'text', 'query', 'utterance', 'reply', 'said']);

/** Chat roles: `User: …`, `Customer: …`, `user> …`, `<user>…</user>` introduce what someone typed. */
const ROLES = new Set(['user', 'customer', 'human', 'client', 'caller', 'member', 'guest']);

/** Key parts that name a card itself: `card_id`, `cardId` still announce a card number. */
const CARD_PART = /^(?:card|cc|ccn|pan)$/;

function classify(raw: string): KeyKind {
  const parts = keyParts(raw);
  const joined = parts.join('_');
  // An id named after a payment concept is an identifier (`payment_id`, `credit_id`,
  // `cardholder_id`, "payment id"), unlike an id named after the card itself (`card_id`).
  const last = parts[parts.length - 1];
  if (parts.length > 1 && (last === 'id' || last === 'ids') && !parts.some((p) => CARD_PART.test(p))) return 'negative';
  if (parts.some((p) => POSITIVE.test(p)) || POSITIVE.test(joined)) return 'positive';
  // What someone wrote (`user_message`, `customer_input`, `user_prompt`) is text, not an identifier.
  if (parts.length > 1 && CONTENT_PART.has(last!)) return 'neutral';
  // A part with a digit suffix names the same thing (`ean13`, `gtin13`, `uid2`, `sha512`).
  if (NEGATIVE.test(joined) || parts.some((p) => NEGATIVE.test(p) || NEGATIVE.test(p.replace(/\d+$/, '')))) return 'negative';
  return 'neutral';
}

/** Words that only say "a value follows"; the word before them is the real key. */
const GENERIC = new Set(['number', 'no', 'num', 'nr', 'nbr', 'id', 'code', 'value', 'is', 'was', 'of', 'token', 'to', 'set', 'equals']);

const DELIMITERS = new Set([...' \t"\'`:=#>({[,|;_-./\u0000'].map((c) => c.charCodeAt(0)));
/** Letters that, after a backslash, are an escaped delimiter (`\n`, `\r`, `\t`, `\"`, `\/`). */
const ESCAPED = new Set([...'ntr"/'].map((c) => c.charCodeAt(0)));

/** The character a percent escape ending at `p` decodes to when it is a delimiter or a line break, else -1. */
function percentDelimiterBefore(b: Uint8Array, p: number): number {
  if (p < 3 || b[p - 3] !== 0x25 /* % */ || !isHex(b[p - 2]) || !isHex(b[p - 1])) return -1;
  const v = parseInt(String.fromCharCode(b[p - 2]!, b[p - 1]!), 16);
  return DELIMITERS.has(v) || v === 0x0a || v === 0x0d ? v : -1;
}

/** Where an ANSI SGR sequence (`ESC [ 3 3 m`, at most 12 parameter bytes) ending at `p` starts, else -1. */
function sgrStartBefore(b: Uint8Array, p: number): number {
  if (p < 3 || b[p - 1] !== 0x6d /* m */) return -1;
  let q = p - 1;
  while (q > 0 && p - q <= 12 && (isDigit(b[q - 1]) || b[q - 1] === 0x3b)) q--;
  return q >= 2 && b[q - 1] === 0x5b /* [ */ && b[q - 2] === 0x1b ? q - 2 : -1;
}

/**
 * True when the `+` at `p - 1` is a form-encoded space: it follows `=`, `&`, another `+` or a letter
 * (`q=+4111…`, `my+card+is+4111…`). A phone number's `+` follows a space, a delimiter or nothing.
 */
function formSpaceBefore(b: Uint8Array, p: number): boolean {
  if (p < 2 || b[p - 1] !== 0x2b /* + */) return false;
  const c = b[p - 2]!;
  return c === 0x3d || c === 0x26 || c === 0x2b || isAlpha(c);
}

/** Reads the key or word that precedes offset `start` (the first digit of a run). */
export function leftContext(b: Uint8Array, start: number): LeftContext {
  let p = start;
  let delimiters = '';
  // Six: a hash rocket between quotes (`"order_id" => "4111…"`: Ruby params, PHP print_r) is five.
  while (p > 0 && delimiters.length < 6) {
    if (DELIMITERS.has(b[p - 1]!)) {
      delimiters = String.fromCharCode(b[p - 1]!) + delimiters;
      p--;
    } else if (p >= 2 && b[p - 2] === 0x5c && ESCAPED.has(b[p - 1]!)) {
      // A JSON or C escape (`\n`, `\t`, `\"`) delimits like the character it stands for.
      delimiters = String.fromCharCode(b[p - 2]!, b[p - 1]!) + delimiters;
      p -= 2;
    } else if (percentDelimiterBefore(b, p) >= 0) {
      // A percent-encoded delimiter (`%3D`, `%20`, `%22`, `%0A`) delimits like the decoded character.
      const decoded = percentDelimiterBefore(b, p);
      delimiters = String.fromCharCode(decoded) + delimiters;
      p -= 3;
      if (decoded === 0x0a || decoded === 0x0d) break;
    } else if (sgrStartBefore(b, p) >= 0) {
      // An ANSI colour code (`ESC[33m`, coloured loggers, util.inspect) delimits like a space.
      delimiters = ' ' + delimiters;
      p = sgrStartBefore(b, p);
    } else if (formSpaceBefore(b, p)) {
      // `+` between words of a form body is a space (`msg=my+card+is+4111…`), not a phone prefix.
      delimiters = '+' + delimiters;
      p--;
    } else break;
  }
  const before = b[start - 1];
  const phone = before === 0x2b && !formSpaceBefore(b, start);
  const currency = currencyBefore(b, start) || (before === 0x20 && currencyBefore(b, start - 1));
  const marked =
    (before === 0x2d && (start === 1 || MINUS_AFTER.has(b[start - 2]!))) ||
    (before === 0x3a && ipv4Before(b, start - 1)) ||
    before === 0x40 ||
    (before === 0x23 && b[start - 2] === 0x26);
  // A method call's empty parentheses: the method names the value (`System.nanoTime()=…`, `getUserId()=`).
  if (b[p - 1] === 0x29 && b[p - 2] === 0x28 && delimiters.length > 0) p -= 2;
  const wordEnd = p;
  // Stop the word at spaces; keep `_`, `-`, `.` inside keys such as card_number or card-no.
  while (p > 0 && wordEnd - p < 32 && (isAlnum(b[p - 1]) || ((b[p - 1] === 0x5f || b[p - 1] === 0x2d) && p - 1 > 0 && isAlnum(b[p - 2])))) p--;
  // Leading digits of the word (an adjacent number) are not part of a key.
  let keyStart = p;
  while (keyStart < wordEnd && isDigit(b[keyStart])) keyStart++;
  let word = '';
  for (let i = keyStart; i < wordEnd; i++) word += String.fromCharCode(b[i]!);
  // A one-letter abbreviation with a slash is one key: `S/N` (serial number), `P/N` (part number).
  if (word.length === 1 && b[p - 1] === 0x2f && isAlpha(b[p - 2]) && !isAlnum(b[p - 3])) word = String.fromCharCode(b[p - 2]!) + word;
  // A generic word takes its meaning from the word before: "order number", "card no", "transaction id".
  // Up to three words back, while the word taken is generic too: "confirmation number is",
  // "seed set to".
  let head = word;
  let keyFrom = p;
  for (let k = 0, w = p; k < 3 && GENERIC.has(head.toLowerCase()); k++) {
    let q = w;
    while (q > 0 && w - q < 3 && (b[q - 1] === 0x20 || b[q - 1] === 0x5f || b[q - 1] === 0x2d || b[q - 1] === 0x2e)) q--;
    const prevEnd = q;
    while (q > 0 && prevEnd - q < 24 && isAlpha(b[q - 1])) q--;
    if (!(prevEnd > q && prevEnd < w)) break;
    head = bytesText(b, q, prevEnd);
    word = `${head}_${word}`;
    w = keyFrom = q;
  }
  const glued = delimiters.length === 0 && wordEnd === start && isAlpha(b[start - 1]);
  // `%B` is the track 1 start sentinel and format code: a card number follows, even when the rest
  // of the track is truncated or does not parse.
  const track1 = wordEnd - p === 1 && b[p] === 0x42 && b[p - 1] === 0x25;
  let kind = track1 ? 'positive' : classifyKey(word);
  // An HTML or XML tag (`<span>4111…`, `<td>`) and a chat role before what someone typed
  // (`User: 4111…`, `user> …`, `<customer>…`) name no identifier, whatever the word.
  if (kind === 'negative' && (isTagBefore(b, p, wordEnd, delimiters) || (ROLES.has(word.toLowerCase()) && /^(?:: ?|> ?|>)$/.test(delimiters)))) kind = 'neutral';
  // A card word right before the key names what the key is about (`card activation: 4111…`,
  // `card order number 4111…`, `CC licence`): card contexts win over identifier keys.
  if (kind === 'negative' && cardWordBefore(b, keyFrom)) kind = 'positive';
  const context = { glued: glued && !track1, delimiters, word: word.toLowerCase(), kind, phone, currency, marked };
  // A later element of a list takes the list's key (`ids: [4539…, 5114…]`, `user_ids=4539…,5114…`),
  // and SQL's `IN (` takes the column before it (`WHERE user_id IN (4539…, 5114…)`).
  const listed = word.length === 0 && delimiters.includes(',') ? listStart(b, start) : -1;
  const sqlIn = word.length === 2 && (word === 'IN' || word === 'in') && delimiters.includes('(') ? p : -1;
  if (listed >= 0 || sqlIn >= 0) {
    const key = leftContext(b, listed >= 0 ? listed : sqlIn);
    if (key.kind !== 'none') return { ...context, word: key.word, kind: key.kind };
  }
  return context;
}

/** List punctuation between elements: a comma, spaces, quotes. */
function isListPunctuation(c: number | undefined): boolean {
  return c === 0x2c || c === 0x20 || c === 0x22 || c === 0x27;
}

/**
 * Where the first element of a list of numbers starts, when the digits at `start` follow other
 * elements through a comma: the list opens with `(` or `[`, or every element before is a long
 * number (12+ digits: a list of ids). -1 otherwise (`qty 2, 4111…`, a CSV row `12345,4111…`).
 */
function listStart(b: Uint8Array, start: number): number {
  let first = start;
  let long = true;
  for (let n = 0; n < 64; n++) {
    let q = first;
    let comma = false;
    while (q > 0 && first - q < 4 && isListPunctuation(b[q - 1])) if (b[--q] === 0x2c) comma = true;
    if (!comma || !isDigit(b[q - 1])) break;
    const end = q;
    while (q > 0 && isDigit(b[q - 1])) q--;
    if (end - q < 12) long = false;
    first = q;
  }
  if (first === start) return -1;
  let q = first;
  while (q > 0 && first - q < 2 && (b[q - 1] === 0x22 || b[q - 1] === 0x27 || b[q - 1] === 0x20)) q--;
  return b[q - 1] === 0x28 || b[q - 1] === 0x5b || long ? first : -1;
}

/** True when `card`, `cc` or `pan` (any case) ends one space before `at`, as a word of its own. Allocation-free. */
function cardWordBefore(b: Uint8Array, at: number): boolean {
  if (b[at - 1] !== 0x20) return false;
  let q = at - 1;
  while (q > 0 && at - 1 - q < 5 && isAlpha(b[q - 1])) q--;
  if (isAlnum(b[q - 1]) || b[q - 1] === 0x5f) return false;
  const n = at - 1 - q;
  const c0 = b[q]! | 0x20;
  const c1 = b[q + 1]! | 0x20;
  if (n === 2) return c0 === 0x63 && c1 === 0x63; // cc
  if (n === 3) return c0 === 0x70 && c1 === 0x61 && (b[q + 2]! | 0x20) === 0x6e; // pan
  return n === 4 && c0 === 0x63 && c1 === 0x61 && (b[q + 2]! | 0x20) === 0x72 && (b[q + 3]! | 0x20) === 0x64; // card
}

/** HTML elements that only lay text out: their names say nothing about the number inside. */
const HTML_TAGS = new Set(['span', 'div', 'p', 'td', 'th', 'li', 'b', 'i', 'u', 'em', 'strong', 'code', 'pre', 'font', 'small', 'label', 'a']);

/**
 * True when the word `b[from..to)` is an HTML layout tag right before the digits (`<span>4111…`).
 * An XML element keeps its name as the key (`<ticket>…</ticket>`, `<span_id>`).
 */
function isTagBefore(b: Uint8Array, from: number, to: number, delimiters: string): boolean {
  return delimiters === '>' && b[from - 1] === 0x3c && b[to] === 0x3e && HTML_TAGS.has(bytesText(b, from, to).toLowerCase());
}

/** What may come before the minus sign of a negative number: a line start, a space, `=`, `:`, an opening bracket, a quote, a comma. */
const MINUS_AFTER = new Set([...' \t\n\r=:([{,"\''].map((c) => c.charCodeAt(0)));

/** True when a currency sign (`$`, `£`, `¥`, `€`, `₹`) or a currency code and a space (`IDR `, `Rp `) ends at `p`. */
function currencyBefore(b: Uint8Array, p: number): boolean {
  const c = b[p - 1];
  if (c === 0x24 || (p >= 2 && b[p - 2] === 0xc2 && (c === 0xa3 || c === 0xa5)) || (p >= 3 && b[p - 3] === 0xe2 && b[p - 2] === 0x82 && (c === 0xac || c === 0xb9))) return true;
  if (c !== 0x20) return false;
  // A 2-3 letter word alone before the space; byte tests first: this runs for every card window.
  let q = p - 1;
  while (q > 0 && p - 1 - q < 3 && isAlpha(b[q - 1])) q--;
  return p - 1 - q >= 2 && !isAlnum(b[q - 1]) && CURRENCY_CODES.has(asciiLower(b, q, p - 1));
}

/** Currency codes and symbols written as letters before an amount (`IDR 4404…`, `Rp 4407…`). */
const CURRENCY_CODES = new Set(['usd', 'eur', 'gbp', 'jpy', 'cny', 'inr', 'rs', 'idr', 'rp', 'vnd', 'krw', 'ngn', 'php', 'brl', 'mxn', 'rub', 'try', 'zar', 'thb', 'myr', 'pkr', 'cop', 'clp', 'ars']);

/** True when an IPv4 address (`10.0.0.1`) ends at `p`. */
function ipv4Before(b: Uint8Array, p: number): boolean {
  let q = p;
  let dots = 0;
  while (q > 0 && p - q < 15 && (isDigit(b[q - 1]) || b[q - 1] === 0x2e)) {
    if (b[q - 1] === 0x2e) dots++;
    q--;
  }
  return dots === 3 && isDigit(b[p - 1]) && isDigit(b[q]) && !isAlnum(b[q - 1]) && b[q - 1] !== 0x2e;
}

/** Reads what follows offset `end` (just past the last digit of a run). */
export function rightContext(b: Uint8Array, end: number): RightContext {
  const next = b[end];
  const gluedAlpha = isAlpha(next);
  const attached =
    next !== undefined &&
    (next === 0x2e || next === 0x5f || next === 0x2f || next === 0x2d || next === 0x3a || next === 0x40) &&
    isAlnum(b[end + 1]);
  return { gluedAlpha, attached };
}

/** True when card words appear in the `span` bytes before `start` on the same line. */
export function cardWordsBefore(b: Uint8Array, start: number, span = 48): boolean {
  let from = start;
  while (from > 0 && start - from < span && b[from - 1] !== 0x0a) from--;
  return NEARBY_POSITIVE.test(asciiLower(b, from, start));
}

/**
 * Words before a number in prose that say it is something else: a parcel's tracking number after a
 * carrier, a bank account after its routing or sort code, a term of a number sequence. Non-ASCII
 * letters read as \u0080 (asciiLower).
 */
const OTHER_NUMBER_WORDS = /\b(?:fedex|ups|usps|dhl|tracking|routing|aba|sort code|bsb|ifsc|fibonacci|factorial)\b/;

/**
 * Words that introduce a phone number (`call me`, `WhatsApp`, Spanish `llámame`, Portuguese `ligue`):
 * they decide only for numbers of at most 15 digits, the longest an E.164 phone number can be; a
 * 16-digit card after them stays a card.
 */
const PHONE_WORDS =
  /\b(?:call me|call us|text me|phone|tel|whatsapp|wa\.me|sms|ll(?:a|\u0080\u0080)ma(?:me|nos|r)|marca(?:r|me)?|ligue|ligar|celular|m(?:o|\u0080\u0080)vil|handy)\b/;

/** True when words before `start` on its line (48 bytes) say the `digits`-long number is no card. */
export function otherNumberWordsBefore(b: Uint8Array, start: number, digits: number): boolean {
  let from = start;
  while (from > 0 && start - from < 48 && b[from - 1] !== 0x0a) from--;
  const text = asciiLower(b, from, start);
  return OTHER_NUMBER_WORDS.test(text) || (digits <= 15 && PHONE_WORDS.test(text));
}

/**
 * The kind of the CSV header over the field `b[start..end)` (`sku,ean13,qty` over `MUG-01,4100…,12`):
 * the field is delimited by `,`, `;` or a tab, and the nearest line above (within HEADER_REACH) with
 * a word at the field's column has as many fields. 'none' when there is no such header.
 */
export function csvColumnKind(b: Uint8Array, start: number, end: number): KeyKind {
  const after = b[end];
  const lineEnd = end >= b.length || after === 0x0a || after === 0x0d;
  const sep = lineEnd ? b[start - 1] : after;
  if (sep !== 0x2c && sep !== 0x3b && sep !== 0x09) return 'none';
  if (!(b[start - 1] === sep || start === 0 || b[start - 1] === 0x0a)) return 'none';
  let line = start;
  let column = 0;
  while (line > 0 && b[line - 1] !== 0x0a) {
    if (start - --line > 1024) return 'none';
    if (b[line] === sep) column++;
  }
  let fields = column + 1;
  for (let p = end; p < b.length && b[p] !== 0x0a && b[p] !== 0x0d; p++) if (b[p] === sep && ++fields > 256) return 'none';
  // The header: the nearest line above, starting at most HEADER_REACH bytes back, whose field at
  // the column starts with a letter. Bounded, so that a decision never depends on bytes further
  // away than the stream segmenter's context (lib/stream/segmenter.ts): not the input's first line.
  let above = line;
  while (above > 0 && start - above <= HEADER_REACH) {
    let previous = above - 1;
    if (b[previous - 1] === 0x0d) previous--;
    above = lineStartAt(b, previous);
    const kind = headerKind(b, above, sep, column, fields);
    if (kind !== 'none') return kind;
  }
  return 'none';
}

/** How far back the line start of a CSV header may be from the field (plus one line of at most 1 KB). */
const HEADER_REACH = 1024;

function lineStartAt(b: Uint8Array, p: number): number {
  let q = p;
  while (q > 0 && b[q - 1] !== 0x0a && p - q < 1024) q--;
  return q;
}

/** The kind of the header line at `line`'s field `column` when it has `fields` fields and that field starts with a letter. */
function headerKind(b: Uint8Array, line: number, sep: number, column: number, fields: number): KeyKind {
  let from = -1;
  let to = -1;
  let n = 0;
  let p = line;
  for (; p < b.length && b[p] !== 0x0a && b[p] !== 0x0d && p - line < 4096; p++) {
    if (b[p] !== sep) continue;
    if (n === column) to = p;
    n++;
    if (n === column) from = p + 1;
  }
  if (column === 0) from = line;
  if (to < 0) to = p;
  if (n + 1 !== fields || from < 0) return 'none';
  if (b[from] === 0x22 && b[to - 1] === 0x22) {
    from++;
    to--;
  }
  return isAlpha(b[from]) ? classifyKey(bytesText(b, from, to)) : 'none';
}

/**
 * The kind of the column an SQL `INSERT` names for the value at `start` (`INSERT INTO t (user_id,
 * amount) VALUES (4539…, 12)`: `user_id`), by the value's position in the `VALUES (…)` list on its
 * line. 'none' when the value is in no such list.
 */
export function sqlInsertColumnKind(b: Uint8Array, start: number): KeyKind {
  let p = start;
  while (p > 0 && start - p < 4 && (b[p - 1] === 0x20 || b[p - 1] === 0x27 || b[p - 1] === 0x22)) p--;
  if (b[p - 1] !== 0x28 && b[p - 1] !== 0x2c) return 'none';
  // Back to the list's `(`, counting the commas outside quotes: the value's index.
  let index = 0;
  let quote = 0;
  while (p > 0 && start - p < 1024 && b[p - 1] !== 0x0a) {
    const c = b[--p]!;
    if (quote) {
      if (c === quote) quote = 0;
    } else if (c === 0x27 || c === 0x22) quote = c;
    else if (c === 0x2c) index++;
    else if (c === 0x28) break;
    else if (c === 0x29) return 'none';
  }
  if (b[p] !== 0x28) return 'none';
  let q = p;
  while (q > 0 && b[q - 1] === 0x20) q--;
  if (asciiLower(b, q - 6, q) !== 'values' || isAlnum(b[q - 7])) return 'none';
  q -= 6;
  while (q > 0 && b[q - 1] === 0x20) q--;
  if (b[q - 1] !== 0x29) return 'none';
  // The column list, read from its end: the name at `index`.
  const close = q - 1;
  let open = close;
  while (open > 0 && close - open < 1024 && b[open - 1] !== 0x28 && b[open - 1] !== 0x0a) open--;
  if (b[open - 1] !== 0x28) return 'none';
  let from = open;
  for (let k = 0; k < index; k++) {
    while (from < close && b[from] !== 0x2c) from++;
    if (from++ >= close) return 'none';
  }
  let to = from;
  while (to < close && b[to] !== 0x2c) to++;
  while (from < to && (b[from] === 0x20 || b[from] === 0x60 || b[from] === 0x22 || b[from] === 0x5b)) from++;
  while (to > from && (b[to - 1] === 0x20 || b[to - 1] === 0x60 || b[to - 1] === 0x22 || b[to - 1] === 0x5d)) to--;
  return to > from ? classifyKey(bytesText(b, from, to)) : 'none';
}

/** True when the digits are followed by another digit group through `.`/`:` (versions, times). */
export function digitAttachedAfter(b: Uint8Array, end: number): boolean {
  const next = b[end];
  return (next === 0x2e || next === 0x3a || next === 0x2c) && isDigit(b[end + 1]);
}

/** Units and currency codes written after a number: a size, a duration or an amount, not a card. */
const UNITS = new Set([
  'b', 'byte', 'bytes', 'kb', 'mb', 'gb', 'tb', 'kib', 'mib', 'gib', 'tib', 'ns', 'us', 'ms', 'sec', 'secs', 'seconds',
  'usd', 'eur', 'gbp', 'jpy', 'cny', 'inr', 'chf', 'cad', 'aud', 'rub', 'brl', 'idr', 'vnd', 'krw', 'ngn',
  // Crypto amounts and counters (red team s3, F7).
  'sats', 'wei', 'gwei', 'satoshi', 'lamports', 'tokens', 'req', 'reqs', 'requests', 'events', 'rows', 'records', 'hits', 'ops',
  // Counts and minor units (`… cents`, `… points`, `… page views`).
  'cents', 'points', 'pts', 'items', 'pages', 'views', 'units', 'pcs', 'clicks', 'visits', 'users',
]);

/** The lower-case ASCII letters of the word at `b[from..)` (at most 8; '' when longer or none). */
function shortWordAt(b: Uint8Array, from: number): string {
  let p = from;
  let word = '';
  while (isAlpha(b[p]) && p - from < 9) word += String.fromCharCode(b[p++]! | 0x20);
  return p - from > 8 || isAlnum(b[p]) ? '' : word;
}

/** True when a unit or currency code follows the digits ending at `end` (`4821… ns`, `… bytes`, `… USD`), glued or after one space. */
export function unitAfter(b: Uint8Array, end: number): boolean {
  // A percentage, a float's exponent (`…028E+03`) and decimal cents before a currency (`…404,00 €`).
  if (b[end] === 0x25 || ((b[end]! | 0x20) === 0x65 && (b[end + 1] === 0x2b || b[end + 1] === 0x2d) && isDigit(b[end + 2]))) return true;
  if ((b[end] === 0x2c || b[end] === 0x2e) && isDigit(b[end + 1]) && isDigit(b[end + 2]) && !isDigit(b[end + 3])) {
    const after = b[end + 3] === 0x20 ? end + 4 : end + 3;
    if (currencyAt(b, after)) return true;
  }
  const from = b[end] === 0x20 ? end + 1 : end;
  // After one space too: a percentage or a currency sign (`… %`, `… €`).
  if (from > end && (b[from] === 0x25 || (b[from]! >= 0x80 && currencyAt(b, from)))) return true;
  const word = shortWordAt(b, from);
  // µs: U+00B5 then `s`.
  return UNITS.has(word) || (b[from] === 0xc2 && b[from + 1] === 0xb5 && b[from + 2] === 0x73 && !isAlnum(b[from + 3]));
}

/** True when a currency sign (`€`, `$`, `£`, `¥`, `₹`) or a currency code starts at `p`. */
function currencyAt(b: Uint8Array, p: number): boolean {
  const c = b[p];
  if (c === 0x24 || (c === 0xc2 && (b[p + 1] === 0xa3 || b[p + 1] === 0xa5)) || (c === 0xe2 && b[p + 1] === 0x82 && (b[p + 2] === 0xac || b[p + 2] === 0xb9))) return true;
  const word = shortWordAt(b, p);
  return CURRENCY_CODES.has(word) || UNITS.has(word);
}

/** True when the letters glued at `end` continue into digits (`4539…ab3f9e01c2`: a hex digest's tail). */
export function gluedHexTail(b: Uint8Array, end: number): boolean {
  let p = end;
  while (isAlpha(b[p]) && p - end < 64) p++;
  return isDigit(b[p]);
}
