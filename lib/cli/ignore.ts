/**
 * `.cardveilignore`: gitignore-style patterns, one per line.
 *
 * Supported: `#` comments, blank lines, `!` to re-include, a trailing `/` for directories only, a
 * leading or inner `/` to anchor at the root (otherwise the pattern matches a name at any depth),
 * `*`, `?`, `[...]` and `**`. An ignored directory is not entered (as in git, a file inside it
 * cannot be re-included). The last matching pattern wins.
 */
export interface IgnoreRule {
  readonly negate: boolean;
  readonly directoryOnly: boolean;
  readonly regex: RegExp;
}

export class IgnoreRules {
  readonly rules: readonly IgnoreRule[];

  private constructor(rules: IgnoreRule[]) {
    this.rules = rules;
  }

  static parse(text: string): IgnoreRules {
    const rules: IgnoreRule[] = [];
    for (const raw of text.split(/\r?\n/)) {
      let line = raw.replace(/(?<!\\)\s+$/, '');
      if (line === '' || line.startsWith('#')) continue;
      const negate = line.startsWith('!');
      if (negate) line = line.slice(1);
      if (line.startsWith('\\#') || line.startsWith('\\!')) line = line.slice(1);
      const directoryOnly = line.endsWith('/');
      if (directoryOnly) line = line.slice(0, -1);
      const anchored = line.includes('/');
      if (line.startsWith('/')) line = line.slice(1);
      if (line === '') continue;
      const body = globToRegex(line);
      rules.push({ negate, directoryOnly, regex: new RegExp(anchored ? `^${body}$` : `^(?:.*/)?${body}$`) });
    }
    return new IgnoreRules(rules);
  }

  static merge(...sets: IgnoreRules[]): IgnoreRules {
    return new IgnoreRules(sets.flatMap((set) => [...set.rules]));
  }

  /** `relativePath` uses `/` separators, relative to the scan root. */
  ignores(relativePath: string, isDirectory: boolean): boolean {
    let ignored = false;
    for (const rule of this.rules) {
      if (rule.directoryOnly && !isDirectory) continue;
      if (rule.regex.test(relativePath)) ignored = !rule.negate;
    }
    return ignored;
  }
}

function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const atStart = i === 0 || glob[i - 1] === '/';
        const atEnd = i + 2 === glob.length || glob[i + 2] === '/';
        if (atStart && atEnd) {
          // `**/` matches zero or more directories; a trailing `**` matches everything inside.
          if (i + 2 === glob.length) out += '.*';
          else out += '(?:.*/)?';
          i += 2;
          continue;
        }
      }
      out += '[^/]*';
      while (glob[i + 1] === '*') i++;
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) {
        out += '\\[';
      } else {
        let set = glob.slice(i + 1, close);
        if (set.startsWith('!')) set = '^' + set.slice(1);
        out += `[${set.replace(/\\/g, '\\\\')}]`;
        i = close;
      }
    } else if (c === '\\' && i + 1 < glob.length) {
      out += escapeRegex(glob[++i]!);
    } else {
      out += escapeRegex(c);
    }
  }
  return out;
}

function escapeRegex(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}
