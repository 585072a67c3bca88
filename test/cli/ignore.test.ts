import { describe, expect, it } from 'vitest';
import { IgnoreRules } from '../../lib/cli/ignore.js';

describe('.cardveilignore patterns', () => {
  const rules = IgnoreRules.parse(
    ['# comment', '', '*.gz', '!keep.gz', 'build/', '/root-only.log', 'docs/**/*.md', 'tmp?.txt', 'data[0-9].csv', 'a/**'].join('\n'),
  );

  it('matches a bare name at any depth', () => {
    expect(rules.ignores('x.gz', false)).toBe(true);
    expect(rules.ignores('deep/dir/x.gz', false)).toBe(true);
  });

  it('re-includes with a later negated pattern', () => {
    expect(rules.ignores('keep.gz', false)).toBe(false);
    expect(rules.ignores('sub/keep.gz', false)).toBe(false);
  });

  it('applies a trailing slash to directories only', () => {
    expect(rules.ignores('build', true)).toBe(true);
    expect(rules.ignores('src/build', true)).toBe(true);
    expect(rules.ignores('build', false)).toBe(false);
  });

  it('anchors a leading slash at the root', () => {
    expect(rules.ignores('root-only.log', false)).toBe(true);
    expect(rules.ignores('sub/root-only.log', false)).toBe(false);
  });

  it('lets ** span zero or more directories', () => {
    expect(rules.ignores('docs/x.md', false)).toBe(true);
    expect(rules.ignores('docs/a/b/x.md', false)).toBe(true);
    expect(rules.ignores('other/docs/x.md', false)).toBe(false);
    expect(rules.ignores('a/b/c.txt', false)).toBe(true);
  });

  it('supports ? and character classes, and * never crosses a slash', () => {
    expect(rules.ignores('tmp1.txt', false)).toBe(true);
    expect(rules.ignores('tmp12.txt', false)).toBe(false);
    expect(rules.ignores('data7.csv', false)).toBe(true);
    expect(rules.ignores('datax.csv', false)).toBe(false);
    expect(IgnoreRules.parse('logs/*.log').ignores('logs/a/b.log', false)).toBe(false);
  });
});
