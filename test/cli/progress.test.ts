import { describe, expect, it } from 'vitest';
import { formatBytes, Progress } from '../../lib/cli/progress.js';

function sink(isTTY: boolean): { isTTY: boolean; text: string; write(s: string): boolean } {
  return {
    isTTY,
    text: '',
    write(s: string) {
      this.text += s;
      return true;
    },
  };
}

describe('Progress', () => {
  it('draws nothing when stderr is not a terminal', () => {
    const out = sink(false);
    const progress = new Progress({ stream: out, env: {}, total: 100, delayMs: 0, intervalMs: 0 });
    progress.update(50, 'a.log');
    progress.done();
    expect(out.text).toBe('');
  });

  it('draws a bar with a percentage on a terminal, and erases it when done', () => {
    const out = sink(true);
    const progress = new Progress({ stream: out, env: {}, total: 1000, delayMs: 0, intervalMs: 0 });
    progress.update(500, 'a.log');
    expect(out.text).toMatch(/^\r\x1b\[K\[\x1b\[32m#{12}\x1b\[0m\.{12}\]  50% 500 B .*\/s a\.log$/);
    progress.done();
    expect(out.text.endsWith('\r\x1b[K')).toBe(true);
  });

  it('uses no colour when NO_COLOR is set', () => {
    const out = sink(true);
    new Progress({ stream: out, env: { NO_COLOR: '1' }, total: 4, delayMs: 0, intervalMs: 0 }).update(1);
    expect(out.text).toMatch(/^\r\x1b\[K\[#{6}\.{18}\]  25% /);
  });

  it('stays silent for short work (before the delay)', () => {
    const out = sink(true);
    new Progress({ stream: out, env: {}, total: 4, delayMs: 60_000 }).update(1);
    expect(out.text).toBe('');
  });

  it('formats byte counts in decimal units', () => {
    expect([formatBytes(999), formatBytes(1500), formatBytes(2_500_000), formatBytes(3.2e9)]).toEqual(['999 B', '1.5 KB', '2.5 MB', '3.2 GB']);
  });
});
