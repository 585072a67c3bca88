/**
 * Translates one Hyperscan (PCRE-subset) expression into a V8 `RegExp` for the fallback engine.
 *
 * Why a parser instead of passing the text to `new RegExp`: the two dialects read the same
 * characters differently (`\x{263a}`, `[[:digit:]]`, `\Q..\E`, `(?i)`, `$` before a final
 * newline, `\s`, caseless folding of non-ASCII bytes), and Hyperscan rejects constructs V8 accepts
 * (lookaround, backreferences, empty matches). Parsing once gives exact semantics, one clear error
 * per unsupported construct, and the facts the stream scanner needs (maximum width, look-ahead).
 *
 * Two modes, as in Hyperscan:
 * - bytes (no `utf8` flag): the expression is read as the bytes of its UTF-8 form and the RegExp
 *   runs over a latin1 string in which each character is one input byte. Every character set is a
 *   256-entry table; caseless folds ASCII letters only; `\w \d \s \b` are ASCII.
 * - utf8 (`utf8` flag = HS_FLAG_UTF8 | HS_FLAG_UCP): the expression is read as code points and the
 *   RegExp (flag `v`) runs over text; `\d \w \s` are Unicode (`\p{Nd}`, `[\p{L}\p{N}_]`, ...)
 *   and `\b`, `\B` are rejected, as Hyperscan does in UCP mode; POSIX classes are Unicode too.
 *   Caseless must cover the whole expression (flag or a leading `(?i)`).
 */
import { EngineError } from './errors.js';
import type { PatternSpec } from './types.js';

/** Result of translating one pattern. Widths count characters (bytes, or code points in utf8 mode). */
export interface Translation {
  readonly source: string;
  /** RegExp flags, always including `g`. */
  readonly flags: string;
  readonly utf8: boolean;
  readonly minWidth: number;
  /** `Infinity` when a repeat is unbounded. */
  readonly maxWidth: number;
  /**
   * Characters past a match's end that must be seen before the match is certain: 0, 1 (`\b`,
   * `\B`, multiline `$`) or `Infinity` (`$`, `\Z`, `\z`: only the end of data decides).
   */
  readonly lookahead: number;
  /**
   * For a literal-like expression (a sequence of single characters or classes, bytes mode only):
   * one 256-entry membership table per position. Used by approximate matching.
   */
  readonly literal: readonly Uint8Array[] | null;
}

type Assertion = 'start' | 'startLine' | 'end' | 'endOptLf' | 'endLine' | 'word' | 'notWord';

type Node =
  | { readonly kind: 'set'; readonly table: Uint8Array | null; readonly source: string }
  | { readonly kind: 'seq'; readonly items: Node[] }
  | { readonly kind: 'alt'; readonly options: Node[] }
  | { readonly kind: 'repeat'; readonly node: Node; readonly min: number; readonly max: number; readonly lazy: boolean }
  | { readonly kind: 'assert'; readonly what: Assertion };

interface Flags {
  caseless: boolean;
  dotall: boolean;
  multiline: boolean;
  extended: boolean;
}

/** Any character. Not `[^]`: V8 (Node 20) mis-repeats `[^]{3}` under the `v` flag. */
const ANY = '[\\s\\S]';

/** Raised inside the parser; converted to an EngineError naming the pattern. */
class SyntaxProblem extends Error {}

/**
 * Translates `spec` (the `index`-th pattern of a set) or throws
 * `EngineError('ERR_PATTERN_COMPILE')` naming the index and id.
 *
 * @example
 * const t = translatePattern({ id: 1, expression: '\\bcvv2?\\b' }, 0);
 * new RegExp(t.source, t.flags).test('cvv2 123'); // true
 */
export function translatePattern(spec: PatternSpec, index: number): Translation {
  const fail = (why: string): never => {
    throw compileError(spec.id, index, why);
  };
  const utf8 = spec.flags?.utf8 === true;
  // Bytes mode reads the expression as Hyperscan does: the bytes of its UTF-8 form.
  const text = utf8 ? spec.expression : Buffer.from(spec.expression, 'utf8').toString('latin1');
  const flags: Flags = {
    caseless: spec.flags?.caseless === true,
    dotall: spec.flags?.dotall === true,
    multiline: spec.flags?.multiline === true,
    extended: false,
  };
  let parser: Parser;
  let root: Node;
  try {
    parser = new Parser(text, utf8, flags);
    root = parser.parse();
    checkAnchors(root);
    if (!canMatch(root)) throw new SyntaxProblem('pattern can never match');
  } catch (error) {
    if (error instanceof SyntaxProblem) return fail(error.message);
    throw error;
  }
  const [minWidth, maxWidth] = widths(root);
  if (minWidth === 0) fail('pattern matches empty buffer');
  const regexFlags = utf8 ? (parser.wholeCaseless ? 'gvi' : 'gv') : 'g';
  const source = emit(root);
  try {
    new RegExp(source, regexFlags);
  } catch {
    fail('expression cannot be translated to a JavaScript RegExp');
  }
  return {
    source,
    flags: regexFlags,
    utf8,
    minWidth,
    maxWidth,
    lookahead: lookahead(root),
    literal: utf8 ? null : literalTables(root),
  };
}

/** The compile error both engines raise: `Pattern <id> (index <i>) does not compile: <why>`. */
export function compileError(id: number, index: number, why: string): EngineError {
  return new EngineError('ERR_PATTERN_COMPILE', `Pattern ${id} (index ${index}) does not compile: ${why}`, { index, id });
}

class Parser {
  private pos = 0;
  /** utf8 mode: caseless is on for the whole expression (so the RegExp `i` flag is exact). */
  wholeCaseless: boolean;
  private sawPartialCaseless = false;

  constructor(
    private readonly text: string,
    private readonly utf8: boolean,
    private readonly initial: Flags,
  ) {
    this.wholeCaseless = initial.caseless;
  }

  parse(): Node {
    // A leading (?i) in utf8 mode makes the whole expression caseless.
    if (this.utf8 && /^\(\?[imsx]*i[imsx]*\)/.test(this.text)) this.wholeCaseless = true;
    const node = this.alternation({ ...this.initial });
    if (this.pos < this.text.length) throw new SyntaxProblem(`unmatched ")" at offset ${this.pos}`);
    if (this.utf8 && this.sawPartialCaseless) {
      throw new SyntaxProblem('utf8 patterns support caseless only for the whole expression');
    }
    return node;
  }

  private peek(): string | undefined {
    return this.text[this.pos];
  }

  /** Reads one character (a code point in utf8 mode). */
  private next(): string {
    const cp = this.utf8 ? this.text.codePointAt(this.pos) : this.text.charCodeAt(this.pos);
    if (cp === undefined || Number.isNaN(cp)) throw new SyntaxProblem('unexpected end of expression');
    const ch = String.fromCodePoint(cp);
    this.pos += ch.length;
    return ch;
  }

  private alternation(flags: Flags): Node {
    const options: Node[] = [this.sequence(flags)];
    while (this.peek() === '|') {
      this.pos++;
      options.push(this.sequence(flags));
    }
    return options.length === 1 ? options[0]! : { kind: 'alt', options };
  }

  /** Parses until `|`, `)` or the end. Inline flags `(?i)` change `flags` for the rest of it. */
  private sequence(flags: Flags): Node {
    const items: Node[] = [];
    for (;;) {
      const c = this.peek();
      if (c === undefined || c === '|' || c === ')') break;
      if (flags.extended && this.skipExtended()) continue;
      const atom = this.atom(flags);
      if (atom === null) continue;
      items.push(this.quantified(atom, flags));
    }
    return items.length === 1 ? items[0]! : { kind: 'seq', items };
  }

  /** In (?x) mode: skips whitespace and # comments. Returns true if anything was skipped. */
  private skipExtended(): boolean {
    const c = this.peek();
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v') {
      this.pos++;
      return true;
    }
    if (c === '#') {
      const end = this.text.indexOf('\n', this.pos);
      if (end < 0) throw new SyntaxProblem('unterminated comment (a # comment in (?x) mode ends at a newline)');
      this.pos = end + 1;
      return true;
    }
    return false;
  }

  private quantified(atom: Node, flags: Flags): Node {
    if (flags.extended) while (this.skipExtended());
    const q = this.quantifier();
    if (q === null) return atom;
    if (atom.kind === 'assert') throw new SyntaxProblem('quantifier after an assertion');
    if (this.peek() === '+') throw new SyntaxProblem('possessive quantifiers are not supported');
    let lazy = false;
    if (this.peek() === '?') {
      this.pos++;
      lazy = true;
    }
    if (flags.extended) while (this.skipExtended());
    // Hyperscan rejects a repeat of a repeat (`a**`, `a{1}{2}`) as an invalid repeat.
    const save = this.pos;
    if (this.quantifier() !== null) throw new SyntaxProblem(`invalid repeat at offset ${save}`);
    return { kind: 'repeat', node: atom, min: q[0], max: q[1], lazy };
  }

  private quantifier(): [number, number] | null {
    const c = this.peek();
    if (c === '*') return this.pos++, [0, Infinity];
    if (c === '+') return this.pos++, [1, Infinity];
    if (c === '?') return this.pos++, [0, 1];
    if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.text.slice(this.pos, this.pos + 24));
      if (!m) return null; // a literal "{", as in PCRE
      this.pos += m[0].length;
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      if (max < min) throw new SyntaxProblem('quantifier range out of order');
      return [min, max];
    }
    return null;
  }

  /** One atom, or null for something that matches nothing (a comment or an inline flag group). */
  private atom(flags: Flags): Node | null {
    const c = this.next();
    switch (c) {
      case '(':
        return this.group(flags);
      case '[':
        return this.charClass(flags);
      case '.':
        return flags.dotall ? this.makeSet(allBytes(), ANY, flags, false) : this.makeSet(tableOf('\n', true), '[^\\n]', flags, false);
      case '^':
        return { kind: 'assert', what: flags.multiline ? 'startLine' : 'start' };
      case '$':
        return { kind: 'assert', what: flags.multiline ? 'endLine' : 'endOptLf' };
      case '\\':
        return this.escape(flags);
      case '*':
      case '+':
      case '?':
        throw new SyntaxProblem(`quantifier "${c}" does not follow a repeatable item`);
      default:
        return this.literal(c, flags);
    }
  }

  private group(flags: Flags): Node | null {
    const inner: Flags = { ...flags };
    if (this.text.startsWith('*', this.pos)) throw new SyntaxProblem('backtracking control verbs are not supported');
    if (this.peek() === '?') {
      this.pos++;
      const c = this.peek();
      if (c === '#') {
        const close = this.text.indexOf(')', this.pos);
        if (close < 0) throw new SyntaxProblem('missing ) after comment');
        this.pos = close + 1;
        return null;
      }
      if (c === ':') {
        this.pos++;
      } else if (c === '<' && this.text[this.pos + 1] !== '=' && this.text[this.pos + 1] !== '!') {
        this.groupName('>');
      } else if (c === 'P' && this.text[this.pos + 1] === '<') {
        this.pos++;
        this.groupName('>');
      } else if (c === "'") {
        this.groupName("'");
      } else if (c === '=' || c === '!' || c === '<') {
        throw new SyntaxProblem('lookaround assertions are not supported');
      } else if (c === '>') {
        throw new SyntaxProblem('atomic groups are not supported');
      } else if (c === '(') {
        throw new SyntaxProblem('conditional patterns are not supported');
      } else if (c === '|') {
        throw new SyntaxProblem('branch reset groups are not supported');
      } else {
        // Inline options: (?imsx-imsx) or (?imsx-imsx: ... )
        const m = /^([imsx]*)(?:-([imsx]*))?([:)])/.exec(this.text.slice(this.pos));
        if (!m) throw new SyntaxProblem('unsupported group syntax "(?' + (c ?? '') + '"');
        this.pos += m[0].length;
        const target = m[3] === ')' ? flags : inner;
        this.applyFlags(target, m[1] ?? '', true);
        this.applyFlags(target, m[2] ?? '', false);
        if (m[3] === ')') return null;
      }
    }
    const node = this.alternation(inner);
    if (this.peek() !== ')') throw new SyntaxProblem('missing )');
    this.pos++;
    return node;
  }

  private groupName(close: string): void {
    this.pos++;
    const end = this.text.indexOf(close, this.pos);
    if (end < 0 || !/^[A-Za-z_]\w*$/.test(this.text.slice(this.pos, end))) {
      throw new SyntaxProblem('invalid group name');
    }
    this.pos = end + 1;
  }

  private applyFlags(target: Flags, letters: string, on: boolean): void {
    for (const letter of letters) {
      if (letter === 'i') {
        if (on !== target.caseless && !(on && this.wholeCaseless)) this.sawPartialCaseless = true;
        target.caseless = on;
      } else if (letter === 's') target.dotall = on;
      else if (letter === 'm') target.multiline = on;
      else target.extended = on;
    }
  }

  private literal(ch: string, flags: Flags): Node {
    const code = ch.codePointAt(0)!;
    if (this.utf8) {
      if (flags.caseless && !this.wholeCaseless && ch.toLowerCase() !== ch.toUpperCase()) {
        this.sawPartialCaseless = true;
      }
      return { kind: 'set', table: null, source: escapeCodePoint(code) };
    }
    return this.makeSet(tableOf(ch, false), '', flags, true);
  }

  /**
   * A one-character set. Bytes mode: from the table (folded when caseless). utf8 mode: from the
   * given class source.
   */
  private makeSet(table: Uint8Array, utf8Source: string, flags: Flags, foldable: boolean): Node {
    if (this.utf8) return { kind: 'set', table: null, source: utf8Source };
    if (flags.caseless && foldable) foldAscii(table);
    return { kind: 'set', table, source: tableSource(table) };
  }

  private escape(flags: Flags): Node | null {
    const c = this.next();
    switch (c) {
      case 'b':
      case 'B':
        if (this.utf8) throw new SyntaxProblem(`\\${c} is not supported with the utf8 flag (Hyperscan UCP mode)`);
        return { kind: 'assert', what: c === 'b' ? 'word' : 'notWord' };
      case 'A':
        return { kind: 'assert', what: 'start' };
      case 'z':
        return { kind: 'assert', what: 'end' };
      case 'Z':
        return { kind: 'assert', what: 'endOptLf' };
      case 'Q': {
        const end = this.text.indexOf('\\E', this.pos);
        const quoted = this.text.slice(this.pos, end < 0 ? undefined : end);
        this.pos = end < 0 ? this.text.length : end + 2;
        const items = Array.from(quoted, (ch) => this.literal(ch, flags));
        if (items.length === 0) return null;
        return items.length === 1 ? items[0]! : { kind: 'seq', items };
      }
      case 'E':
        return null; // a stray \E is ignored, as in PCRE
      case 'G':
      case 'N':
      case 'K':
      case 'R':
      case 'X':
      case 'C':
      case 'g':
      case 'k':
        throw new SyntaxProblem(`"\\${c}" is not supported`);
      default:
        if (c >= '1' && c <= '9') {
          // PCRE: \1-\9 are backreferences; \NNN of octal digits beyond them is a character.
          const octal = /^[0-7]{1,2}/.exec(this.text.slice(this.pos))?.[0];
          if (c > '7' || octal === undefined) throw new SyntaxProblem('backreferences are not supported');
          this.pos += octal.length;
          return this.literal(String.fromCharCode(parseInt(c + octal, 8) & 0xff), flags);
        }
    }
    const cls = this.classEscape(c, flags);
    if (cls) return cls;
    return this.literal(this.characterEscape(c), flags);
  }

  /** `\d \D \w \W \s \S \h \H \v \V \p \P` as a set node, or null. */
  private classEscape(c: string, flags: Flags): Node | null {
    const part = this.classEscapePart(c);
    if (part === null) return null;
    if (this.utf8) return { kind: 'set', table: null, source: `[${part.source}]` };
    return this.makeSet(part.table!, '', flags, true);
  }

  /**
   * A class escape as a table (bytes mode) or as a v-mode class-body fragment (utf8 mode), or null
   * when `c` is not a class escape.
   */
  private classEscapePart(c: string): { table: Uint8Array | null; source: string } | null {
    const ascii: Record<string, string> = {
      d: '0-9',
      w: '0-9A-Za-z_',
      s: '\t\n\v\f\r ',
      h: '\t \xa0',
      v: '\n\v\f\r\x85',
    };
    const lower = c.toLowerCase();
    if (lower === 'p') return this.property(c === 'P');
    const spec = ascii[lower];
    if (spec === undefined) return null;
    const negated = c !== lower;
    if (this.utf8) {
      const ucp: Record<string, string> = {
        d: '\\p{Nd}',
        w: '\\p{L}\\p{N}_',
        s: '\\t\\n\\v\\f\\r\\x85\\p{Z}',
        h: '\\t\\x20\\xa0\\u1680\\u180e\\u2000-\\u200a\\u202f\\u205f\\u3000',
        v: '\\n\\v\\f\\r\\x85\\u2028\\u2029',
      };
      const body = ucp[lower]!;
      return { table: null, source: negated ? `[^${body}]` : `[${body}]` };
    }
    return { table: tableFromSpec(spec, negated), source: '' };
  }

  /**
   * `\p{..}` / `\P{..}`. In utf8 mode a v-mode class; in byte mode, as Hyperscan does, the
   * property over the code points 0-255 (each byte read as that code point).
   */
  private property(negated: boolean): { table: Uint8Array | null; source: string } {
    let name: string;
    if (this.peek() === '{') {
      const end = this.text.indexOf('}', this.pos);
      if (end < 0) throw new SyntaxProblem('missing } after \\p');
      name = this.text.slice(this.pos + 1, end);
      this.pos = end + 1;
    } else {
      name = this.next();
    }
    let neg = negated;
    if (name.startsWith('^')) {
      neg = !neg;
      name = name.slice(1);
    }
    const candidates = name === 'Any' ? ['Any'] : [name, `Script=${name}`];
    for (const candidate of candidates) {
      const source = `\\${neg ? 'P' : 'p'}{${candidate}}`;
      let test: RegExp;
      try {
        test = new RegExp(`^${source}$`, 'v');
      } catch {
        continue; // try the next spelling
      }
      if (this.utf8) return { table: null, source: `[${source}]` };
      const table = new Uint8Array(256);
      for (let k = 0; k < 256; k++) table[k] = test.test(String.fromCharCode(k)) ? 1 : 0;
      if (!table.includes(1)) throw new SyntaxProblem(`pattern can never match (\\p{${name}} has no character below \\x100)`);
      return { table, source: '' };
    }
    throw new SyntaxProblem(`unknown Unicode property "${name}"`);
  }

  /** A single-character escape (`\n`, `\x41`, `\x{263a}`, `\cA`, `\012`, `\.`) as a character. */
  private characterEscape(c: string): string {
    const simple: Record<string, number> = { a: 7, e: 0x1b, f: 0x0c, n: 0x0a, r: 0x0d, t: 0x09 };
    if (c in simple) return String.fromCharCode(simple[c]!);
    if (c === 'x') {
      if (this.peek() === '{') {
        const end = this.text.indexOf('}', this.pos);
        const hex = end < 0 ? '' : this.text.slice(this.pos + 1, end);
        if (!/^[0-9A-Fa-f]{1,8}$/.test(hex)) throw new SyntaxProblem('invalid \\x{...} escape');
        this.pos = end + 1;
        return this.codePoint(parseInt(hex, 16));
      }
      const m = /^[0-9A-Fa-f]{0,2}/.exec(this.text.slice(this.pos))![0];
      this.pos += m.length;
      return String.fromCharCode(m === '' ? 0 : parseInt(m, 16));
    }
    if (c === 'o') {
      const m = /^\{([0-7]+)\}/.exec(this.text.slice(this.pos));
      if (!m) throw new SyntaxProblem('invalid \\o{...} escape');
      this.pos += m[0].length;
      return this.codePoint(parseInt(m[1]!, 8));
    }
    if (c === '0') {
      const m = /^[0-7]{0,2}/.exec(this.text.slice(this.pos))![0];
      this.pos += m.length;
      return String.fromCharCode(parseInt('0' + m, 8));
    }
    if (c === 'c') {
      const target = this.next();
      const code = target.toUpperCase().charCodeAt(0);
      if (code > 127) throw new SyntaxProblem('invalid \\c escape');
      return String.fromCharCode(code ^ 0x40);
    }
    if (/[A-Za-z0-9]/.test(c)) throw new SyntaxProblem(`unknown escape "\\${c}"`);
    return c; // an escaped metacharacter or other symbol stands for itself
  }

  private codePoint(cp: number): string {
    if (!this.utf8 && cp > 0xff) throw new SyntaxProblem('character value above \\xff needs the utf8 flag');
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw new SyntaxProblem('invalid code point');
    return String.fromCodePoint(cp);
  }

  private charClass(flags: Flags): Node {
    // PCRE (and Hyperscan) read "[:x:]", "[.x.]", "[=x=]" as POSIX syntax even where they open a class.
    const opener = this.peek();
    if ((opener === ':' || opener === '.' || opener === '=') && this.posixSyntaxAhead(opener)) {
      throw new SyntaxProblem(
        opener === ':' ? 'POSIX named classes are supported only within a class' : 'POSIX collating elements are not supported',
      );
    }
    let negated = false;
    if (this.peek() === '^') {
      this.pos++;
      negated = true;
    }
    const table = new Uint8Array(256);
    const parts: string[] = [];
    let first = true;
    for (;;) {
      if (this.pos >= this.text.length) throw new SyntaxProblem('missing ] at end of class');
      const c = this.next();
      if (c === ']' && !first) break;
      first = false;
      if (c === '[') {
        const m = /^:(\^?)([a-z]+):\]/.exec(this.text.slice(this.pos));
        if (m) {
          this.pos += m[0].length;
          const posix = posixClass(m[2]!, m[1] === '^');
          if (posix === null) throw new SyntaxProblem(`unknown POSIX class "${m[2]}"`);
          if (this.utf8) parts.push(ucpPosixClass(m[2]!, m[1] === '^', this.wholeCaseless));
          else merge(table, posix);
          continue;
        }
        const inner = this.peek();
        if ((inner === '.' || inner === '=') && this.posixSyntaxAhead(inner)) {
          throw new SyntaxProblem('POSIX collating elements are not supported');
        }
      }
      let low: string;
      if (c === '\\') {
        const e = this.next();
        if (e === 'Q') {
          const end = this.text.indexOf('\\E', this.pos);
          const quoted = this.text.slice(this.pos, end < 0 ? undefined : end);
          this.pos = end < 0 ? this.text.length : end + 2;
          for (const ch of quoted) this.addChar(table, parts, ch);
          continue;
        }
        if (e === 'E') continue;
        const part = this.classEscapePart(e);
        if (part !== null) {
          if (part.table) merge(table, part.table);
          parts.push(this.utf8 ? part.source : tableBody(part.table!));
          continue;
        }
        low = e === 'b' ? '\b' : this.characterEscape(e);
      } else {
        low = c;
      }
      // A range?
      if (this.peek() === '-' && this.text[this.pos + 1] !== ']' && this.pos + 1 < this.text.length) {
        const save = this.pos;
        this.pos++;
        let high = this.next();
        if (high === '\\') {
          const e = this.next();
          if (this.classEscapePart(e) !== null) {
            // "a-\d": the hyphen is literal, as in PCRE
            this.pos = save;
            this.addChar(table, parts, low);
            continue;
          }
          high = e === 'b' ? '\b' : this.characterEscape(e);
        } else if (high === '[' && /^:\^?[a-z]+:\]/.test(this.text.slice(this.pos))) {
          this.pos = save;
          this.addChar(table, parts, low);
          continue;
        }
        const from = low.codePointAt(0)!;
        const to = high.codePointAt(0)!;
        if (to < from) throw new SyntaxProblem('range out of order in character class');
        if (this.utf8) {
          parts.push(`${escapeCodePoint(from)}-${escapeCodePoint(to)}`);
        } else {
          for (let k = from; k <= to; k++) table[k] = 1;
        }
        continue;
      }
      this.addChar(table, parts, low);
    }
    if (this.utf8) {
      if (flags.caseless && !this.wholeCaseless) this.sawPartialCaseless = true;
      const source = negated ? `[^${parts.join('')}]` : `[${parts.join('')}]`;
      // An empty set (such as [^\w\P{Lu}]) makes the pattern unmatchable: mark it for canMatch.
      const empty = negated && !new RegExp(source, 'v').test(allCodePoints());
      return { kind: 'set', table: empty ? new Uint8Array(256) : null, source };
    }
    // PCRE folds a caseless class before negating it.
    if (flags.caseless) foldAscii(table);
    if (negated) for (let k = 0; k < 256; k++) table[k] = table[k] ? 0 : 1;
    return { kind: 'set', table, source: tableSource(table) };
  }

  /** PCRE's check_posix_syntax: does `[` + terminator at `pos` close with terminator + `]`? */
  private posixSyntaxAhead(terminator: string): boolean {
    for (let k = this.pos + 1; k < this.text.length; k++) {
      const c = this.text[k];
      if (c === '\\' && (this.text[k + 1] === ']' || this.text[k + 1] === '\\')) k++;
      else if ((c === '[' && this.text[k + 1] === terminator) || c === ']') return false;
      else if (c === terminator && this.text[k + 1] === ']') return true;
    }
    return false;
  }

  private addChar(table: Uint8Array, parts: string[], ch: string): void {
    const code = ch.codePointAt(0)!;
    if (this.utf8) parts.push(escapeCodePoint(code));
    else table[code] = 1;
  }
}

let everyCodePoint: string | undefined;

/** Every Unicode scalar value once, built on first use (about 2 MB of UTF-16). */
function allCodePoints(): string {
  if (everyCodePoint === undefined) {
    const parts: string[] = [];
    for (let start = 0; start <= 0x10ffff; start += 0x8000) {
      const chunk: number[] = [];
      for (let cp = start; cp < Math.min(start + 0x8000, 0x110000); cp++) {
        if (cp < 0xd800 || cp > 0xdfff) chunk.push(cp);
      }
      parts.push(String.fromCodePoint(...chunk));
    }
    everyCodePoint = parts.join('');
  }
  return everyCodePoint;
}

// ---- character tables (bytes mode) ----

function allBytes(): Uint8Array {
  return new Uint8Array(256).fill(1);
}

function tableOf(chars: string, negated: boolean): Uint8Array {
  const table = new Uint8Array(256);
  for (const ch of chars) table[ch.charCodeAt(0)] = 1;
  if (negated) for (let k = 0; k < 256; k++) table[k] = table[k] ? 0 : 1;
  return table;
}

/** A table from a spec such as `0-9A-Za-z_` (ranges written as x-y). */
function tableFromSpec(spec: string, negated: boolean): Uint8Array {
  const table = new Uint8Array(256);
  for (let k = 0; k < spec.length; k++) {
    if (spec[k + 1] === '-' && k + 2 < spec.length) {
      for (let c = spec.charCodeAt(k); c <= spec.charCodeAt(k + 2); c++) table[c] = 1;
      k += 2;
    } else {
      table[spec.charCodeAt(k)] = 1;
    }
  }
  if (negated) for (let k = 0; k < 256; k++) table[k] = table[k] ? 0 : 1;
  return table;
}

function posixClass(name: string, negated: boolean): Uint8Array | null {
  const specs: Record<string, string> = {
    alnum: '0-9A-Za-z',
    alpha: 'A-Za-z',
    ascii: '\x00-\x7f',
    blank: ' \t',
    cntrl: '\x00-\x1f\x7f',
    digit: '0-9',
    graph: '!-~',
    lower: 'a-z',
    print: ' -~',
    punct: '!-/:-@[-`{-~',
    space: '\t\n\v\f\r ',
    upper: 'A-Z',
    word: '0-9A-Za-z_',
    xdigit: '0-9A-Fa-f',
  };
  const spec = specs[name];
  return spec === undefined ? null : tableFromSpec(spec, negated);
}

/**
 * A POSIX class in utf8 (UCP) mode, as a nested v-mode class, with PCRE's Unicode meanings (which
 * Hyperscan follows): `[:alpha:]` is `\p{L}`, `[:digit:]` `\p{Nd}`, `[:punct:]` `\p{P}` plus
 * ASCII symbols, `[:graph:]` letters, marks, numbers, punctuation, symbols and format
 * characters; caseless `[:upper:]`/`[:lower:]` are all letters. `[:xdigit:]`, `[:ascii:]` stay ASCII.
 */
function ucpPosixClass(name: string, negated: boolean, caseless: boolean): string {
  const graph = '[[\\p{L}\\p{M}\\p{N}\\p{P}\\p{S}\\p{Cf}]--[\\u{61c}\\u{180e}\\u{2066}-\\u{2069}]]';
  const bodies: Record<string, string> = {
    alnum: '\\p{L}\\p{N}',
    alpha: '\\p{L}',
    ascii: '\\u{0}-\\u{7f}',
    blank: '\\t\\p{Zs}',
    cntrl: '\\p{Cc}',
    digit: '\\p{Nd}',
    graph,
    lower: caseless ? '\\p{L}' : '\\p{Ll}',
    print: `${graph}\\p{Zs}`,
    punct: '\\p{P}[\\p{S}&&[\\u{0}-\\u{7f}]]',
    space: '\\t\\n\\v\\f\\r\\x85\\p{Z}',
    upper: caseless ? '\\p{L}' : '\\p{Lu}',
    word: '\\p{L}\\p{N}_',
    xdigit: '0-9A-Fa-f',
  };
  return negated ? `[^${bodies[name]!}]` : `[${bodies[name]!}]`;
}

function merge(into: Uint8Array, from: Uint8Array): void {
  for (let k = 0; k < 256; k++) if (from[k]) into[k] = 1;
}

/** Caseless in bytes mode: ASCII letters only, as Hyperscan without UCP. */
function foldAscii(table: Uint8Array): void {
  for (let c = 65; c <= 90; c++) {
    if (table[c] || table[c + 32]) table[c] = table[c + 32] = 1;
  }
}

function hex2(code: number): string {
  return '\\x' + code.toString(16).padStart(2, '0');
}

/** The body of a RegExp class for the members of `table` (ranges of `\xHH`). */
function tableBody(table: Uint8Array): string {
  let body = '';
  for (let k = 0; k < 256; k++) {
    if (!table[k]) continue;
    let end = k;
    while (end + 1 < 256 && table[end + 1]) end++;
    body += end === k ? hex2(k) : end === k + 1 ? hex2(k) + hex2(end) : `${hex2(k)}-${hex2(end)}`;
    k = end;
  }
  return body;
}

function tableSource(table: Uint8Array): string {
  let count = 0;
  let only = -1;
  for (let k = 0; k < 256; k++) {
    if (table[k]) {
      count++;
      only = k;
    }
  }
  if (count === 256) return ANY;
  if (count === 1) return /[A-Za-z0-9_ ]/.test(String.fromCharCode(only)) ? String.fromCharCode(only) : hex2(only);
  if (count === 0) return '[]';
  return `[${tableBody(table)}]`;
}

function escapeCodePoint(cp: number): string {
  const ch = String.fromCodePoint(cp);
  return /[A-Za-z0-9_]/.test(ch) ? ch : `\\u{${cp.toString(16)}}`;
}

// ---- analysis and emission ----

function widths(node: Node): [number, number] {
  switch (node.kind) {
    case 'set':
      return [1, 1];
    case 'assert':
      return [0, 0];
    case 'seq':
      return node.items.reduce<[number, number]>(
        (acc, item) => {
          const [lo, hi] = widths(item);
          return [acc[0] + lo, acc[1] + hi];
        },
        [0, 0],
      );
    case 'alt': {
      const all = node.options.map(widths);
      return [Math.min(...all.map((w) => w[0])), Math.max(...all.map((w) => w[1]))];
    }
    case 'repeat': {
      const [lo, hi] = widths(node.node);
      return [lo * node.min, hi === 0 ? 0 : hi * node.max];
    }
  }
}

function lookahead(node: Node): number {
  switch (node.kind) {
    case 'set':
      return 0;
    case 'assert':
      if (node.what === 'word' || node.what === 'notWord' || node.what === 'endLine') return 1;
      return node.what === 'end' || node.what === 'endOptLf' ? Infinity : 0;
    case 'seq':
      return Math.max(0, ...node.items.map(lookahead));
    case 'alt':
      return Math.max(0, ...node.options.map(lookahead));
    case 'repeat':
      return lookahead(node.node);
  }
}

/** False when a required position is an empty character set (Hyperscan: "Pattern can never match"). */
function canMatch(node: Node): boolean {
  switch (node.kind) {
    case 'set':
      return node.table === null || node.table.includes(1); // utf8 sets carry a table only when empty
    case 'assert':
      return true;
    case 'seq':
      return node.items.every(canMatch);
    case 'alt':
      return node.options.some(canMatch);
    case 'repeat':
      return node.min === 0 || canMatch(node.node);
  }
}

/** Hyperscan rejects start anchors after consumed input and end anchors before more input. */
function checkAnchors(root: Node): void {
  // Returns whether nothing can have been consumed after walking `node` from state `clean`.
  const walk = (node: Node, clean: boolean, isBad: (a: Assertion) => boolean, order: (n: Node[]) => Node[]): boolean => {
    switch (node.kind) {
      case 'set':
        return false;
      case 'assert':
        if (!clean && isBad(node.what)) {
          throw new SyntaxProblem(isBad('start') ? 'embedded start anchors are not supported' : 'embedded end anchors are not supported');
        }
        return clean;
      case 'seq':
        return order(node.items).reduce((state, item) => walk(item, state, isBad, order), clean);
      case 'alt':
        return node.options.map((o) => walk(o, clean, isBad, order)).every(Boolean);
      case 'repeat':
        // A repeated anchor-bearing node could follow its own consumed input.
        walk(node.node, clean && node.max <= 1, isBad, order);
        return clean && widths(node.node)[1] === 0;
    }
  };
  walk(root, true, (a) => a === 'start' || a === 'startLine', (n) => n);
  walk(root, true, (a) => a === 'end' || a === 'endOptLf' || a === 'endLine', (n) => [...n].reverse());
}

function emit(node: Node): string {
  switch (node.kind) {
    case 'set':
      return node.source;
    case 'seq':
      return node.items.map((item) => emit(item)).join('');
    case 'alt':
      return `(?:${node.options.map((o) => emit(o)).join('|')})`;
    case 'repeat': {
      const max = node.max === Infinity ? '' : String(node.max);
      const count = node.min === node.max ? `{${node.min}}` : `{${node.min},${max}}`;
      return `(?:${emit(node.node)})${count}${node.lazy ? '?' : ''}`;
    }
    case 'assert':
      switch (node.what) {
        case 'start':
          return `(?<!${ANY})`;
        case 'startLine':
          return '(?<![^\\n])';
        case 'end':
          return `(?!${ANY})`;
        case 'endOptLf':
          return `(?=\\n?(?!${ANY}))`;
        case 'endLine':
          return '(?![^\\n])';
        case 'word':
          return '\\b';
        case 'notWord':
          return '\\B';
      }
  }
}

/** One table per position when the expression is a plain sequence of single characters. */
function literalTables(root: Node): Uint8Array[] | null {
  const items = root.kind === 'seq' ? root.items : [root];
  const tables: Uint8Array[] = [];
  for (const item of items) {
    if (item.kind !== 'set' || item.table === null) return null;
    tables.push(item.table);
  }
  return tables;
}
