/**
 * Loading and validating packs: YAML text or a file, or the same object from code.
 *
 * Errors name every problem at once, each with its dotted path, the YAML line and column (via the
 * `yaml` package's LineCounter and node ranges), what was expected, and for typos the closest valid
 * key or value ("did you mean"). One message per line, so a CLI can print `error.message` as is:
 *
 *     invalid pack packs/mine.yaml (2 problems)
 *       packs/mine.yaml:41:5: policy.dlp-filter.fuzzy_match: unknown key (did you mean "fuzzy_matching"?)
 *       packs/mine.yaml:36:22: policy.pii-detector.redaction.marker_format: expected one of label | mask | token | vault | remove, got "lable" (did you mean "label"?)
 */
import { readFileSync } from 'node:fs';
import { isMap, isNode, isPair, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { PolicyError, type PackIssue } from './errors.js';
import { packSchema, type Pack } from './schema.js';
import { suggest } from './suggest.js';

type Path = readonly PropertyKey[];

/** Where a pack came from, kept to place later errors (pattern compile failures) on their line. */
interface Source {
  readonly file: string | undefined;
  readonly doc: Document | undefined;
  readonly lines: LineCounter | undefined;
}

const sources = new WeakMap<Pack, Source>();

function pathText(path: Path): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? String(p) : `.${String(p)}`;
  return out || '(pack)';
}

/** The zod schema at `path`, looking through defaults, optionals, arrays and unions. */
function schemaAt(schema: z.core.$ZodType, path: Path): z.core.$ZodType[] {
  let current: z.core.$ZodType[] = [schema];
  for (const key of [...path, undefined]) {
    const next: z.core.$ZodType[] = [];
    const unwrap = (s: z.core.$ZodType): void => {
      const def = s._zod.def as unknown as Record<string, unknown> & { type: string };
      if (def.type === 'default' || def.type === 'optional' || def.type === 'nullable' || def.type === 'prefault') {
        unwrap(def.innerType as z.core.$ZodType);
      } else if (def.type === 'pipe') {
        unwrap(def.in as z.core.$ZodType);
      } else if (def.type === 'union') {
        for (const o of def.options as z.core.$ZodType[]) unwrap(o);
      } else {
        next.push(s);
      }
    };
    for (const s of current) unwrap(s);
    if (key === undefined) return next;
    current = [];
    for (const s of next) {
      const def = s._zod.def as unknown as Record<string, unknown> & { type: string };
      if (def.type === 'object' && typeof key === 'string') {
        const child = (def.shape as Record<string, z.core.$ZodType>)[key];
        if (child !== undefined) current.push(child);
      } else if (def.type === 'array' && typeof key === 'number') {
        current.push(def.element as z.core.$ZodType);
      }
    }
  }
  return current;
}

function keysAt(path: Path): string[] {
  const keys: string[] = [];
  for (const s of schemaAt(packSchema, path)) {
    const def = s._zod.def as unknown as Record<string, unknown> & { type: string };
    if (def.type === 'object') keys.push(...Object.keys(def.shape as object));
  }
  return keys;
}

/** A short description of what a schema accepts, for union errors. */
function describeShapes(path: Path): string {
  const forms = schemaAt(packSchema, path).map((s) => {
    const def = s._zod.def as unknown as Record<string, unknown> & { type: string };
    if (def.type === 'object') return `{ ${Object.keys(def.shape as object).join(', ')} }`;
    return def.type;
  });
  return forms.join(' or ');
}

function valueAt(data: unknown, path: Path): unknown {
  let v = data;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return `${typeof v} ${String(v)}`;
}

/** Line and column (1-based) of the node at `path`, or of its deepest existing ancestor. */
function position(source: Source | undefined, path: Path, atKey?: string): { line: number; column: number } | undefined {
  if (source?.doc === undefined || source.lines === undefined) return undefined;
  let node: unknown = source.doc.contents;
  let found = node;
  for (const key of [...path, ...(atKey === undefined ? [] : [atKey])]) {
    if (!isNode(node) || !('items' in node)) break;
    const items = (node as { items: unknown[] }).items;
    let next: unknown;
    if (isMap(node)) {
      const pair = items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
      if (isPair(pair)) next = key === atKey ? pair.key : pair.value;
    } else if (typeof key === 'number') {
      next = items[key];
    }
    if (next === undefined || next === null) break;
    node = next;
    found = next;
  }
  const range = isNode(found) ? found.range : undefined;
  if (range === undefined || range === null) return undefined;
  const pos = source.lines.linePos(range[0]);
  return { line: pos.line, column: pos.col };
}

function toIssues(error: z.core.$ZodError, data: unknown, source: Source | undefined): PackIssue[] {
  const issues: PackIssue[] = [];
  const add = (path: Path, message: string, suggestion?: string, atKey?: string): void => {
    const pos = position(source, path, atKey);
    issues.push({
      path: pathText(atKey === undefined ? path : [...path, atKey]),
      ...(pos ?? {}),
      message,
      ...(suggestion === undefined ? {} : { suggestion }),
    });
  };
  for (const issue of error.issues) {
    const value = valueAt(data, issue.path);
    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = keysAt(issue.path);
        for (const key of issue.keys) {
          const s = suggest(key, known);
          add(issue.path, s === undefined ? `unknown key; expected one of: ${known.join(', ')}` : 'unknown key', s, key);
        }
        break;
      }
      case 'invalid_value': {
        if (!issue.message.startsWith('Invalid')) {
          add(issue.path, issue.message);
          break;
        }
        const values = issue.values.map((v) => String(v));
        const s = typeof value === 'string' ? suggest(value, values) : undefined;
        add(issue.path, `expected one of ${values.join(' | ')}, got ${describeValue(value)}`, s);
        break;
      }
      case 'invalid_type':
        add(issue.path, value === undefined ? `required: expected ${issue.expected}` : `expected ${issue.expected}, got ${describeValue(value)}`);
        break;
      case 'invalid_union':
        add(issue.path, `expected ${describeShapes(issue.path)}, got ${describeValue(value)}`);
        break;
      default:
        add(issue.path, issue.message.replace(/^Too (small|big): /, ''));
    }
  }
  return issues;
}

function formatIssue(file: string | undefined, issue: PackIssue): string {
  const where = issue.line === undefined ? '' : `${file ?? 'pack'}:${issue.line}:${issue.column ?? 1}: `;
  const hint = issue.suggestion === undefined ? '' : ` (did you mean "${issue.suggestion}"?)`;
  return `${where}${issue.path}: ${issue.message}${hint}`;
}

function invalid(file: string | undefined, issues: readonly PackIssue[]): PolicyError {
  const n = issues.length;
  const lines = issues.map((i) => `  ${formatIssue(file, i)}`).join('\n');
  return new PolicyError('ERR_PACK_INVALID', `invalid pack ${file ?? '(object)'} (${n} problem${n === 1 ? '' : 's'})\n${lines}`, issues);
}

function validate(data: unknown, source: Source): Pack {
  const result = packSchema.safeParse(data);
  if (!result.success) {
    // In file order, so people fix them top to bottom; issues without a line keep zod's order.
    const issues = toIssues(result.error, data, source).sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? 0) - (b.column ?? 0));
    throw invalid(source.file, issues);
  }
  sources.set(result.data, source);
  return result.data;
}

/**
 * Validates a pack given as an object (from code, or already parsed) and applies defaults.
 *
 * @throws PolicyError `ERR_PACK_INVALID` with `issues`.
 * @example
 * const pack = validatePack({ pack: { name: 'mine', version: '1' }, policies: { chain: ['pii-detector'] } });
 */
export function validatePack(data: unknown): Pack {
  // A pack loaded from YAML keeps its source, so later errors still point at lines.
  const known = typeof data === 'object' && data !== null ? sources.get(data as Pack) : undefined;
  return validate(data, known ?? { file: undefined, doc: undefined, lines: undefined });
}

/**
 * Parses and validates YAML text. `file` only labels messages.
 *
 * @throws PolicyError `ERR_PACK_YAML` (syntax, with line) or `ERR_PACK_INVALID`.
 */
export function parsePack(text: string, file?: string): Pack {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const issues: PackIssue[] = doc.errors.map((e) => {
      const pos = lines.linePos(e.pos[0]);
      return { path: '(yaml)', line: pos.line, column: pos.col, message: e.message.split('\n')[0] ?? e.code };
    });
    const where = file ?? 'pack';
    throw new PolicyError('ERR_PACK_YAML', `pack ${where} is not valid YAML\n${issues.map((i) => `  ${where}:${i.line}:${i.column}: ${i.message}`).join('\n')}`, issues);
  }
  return validate(doc.toJS(), { file, doc, lines });
}

/**
 * Reads, parses and validates a pack file.
 *
 * @throws PolicyError `ERR_PACK_READ`, `ERR_PACK_YAML` or `ERR_PACK_INVALID`.
 * @example
 * const pack = loadPack('packs/pci-ai-governance.yaml');
 */
export function loadPack(file: string): Pack {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new PolicyError('ERR_PACK_READ', `pack file ${file} cannot be read (${code})`, [], { cause: error });
  }
  return parsePack(text, file);
}

/**
 * Places a problem found after validation (e.g. a DLP pattern the engine rejects) on the pack's
 * source: `file:line:col: path: message` when the pack came from YAML, else `path: message`.
 */
export function packIssue(pack: Pack, path: Path, message: string): { issue: PackIssue; text: string } {
  const source = sources.get(pack);
  const pos = position(source, path);
  const issue: PackIssue = { path: pathText(path), ...(pos ?? {}), message };
  return { issue, text: formatIssue(source?.file, issue) };
}
