// Engine selection: `auto` falls back to JavaScript with one warning when the addon cannot load,
// `hyperscan` refuses with numbered fixes, CARDVEIL_ENGINE=javascript skips the addon.
// Each case runs in a child process, since the loader caches its result per process.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const fixture = fileURLToPath(new URL('./fixtures/engine-choice.ts', import.meta.url));

interface Report {
  active: string;
  engines: string[];
  warnings: { code?: string; message: string }[];
  hyperscan: string | { code: string; message: string };
  loadError: string | null;
}

async function choose(env: Record<string, string>): Promise<Report> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', fixture], {
    env: { ...process.env, CARDVEIL_ENGINE: '', CARDVEIL_ADDON_PATH: '', ...env },
  });
  return JSON.parse(stdout) as Report;
}

describe('engine selection', () => {
  it('uses Hyperscan when the addon loads', async () => {
    const report = await choose({});
    expect(report).toEqual({ active: 'hyperscan', engines: ['hyperscan', 'hyperscan'], warnings: [], hyperscan: 'hyperscan', loadError: null });
  });

  it('falls back to JavaScript with exactly one CARDVEIL_FALLBACK warning when the addon cannot load', async () => {
    const report = await choose({ CARDVEIL_ADDON_PATH: '/nonexistent/cardveil.node' });
    expect(report.active).toBe('javascript');
    expect(report.engines).toEqual(['javascript', 'javascript']);
    expect(report.warnings.map((w) => w.code)).toEqual(['CARDVEIL_FALLBACK']);
    expect(report.warnings[0]!.message).toContain('cardveil is using its JavaScript engine (slower).');
    expect(report.warnings[0]!.message).toContain("Cannot find module '/nonexistent/cardveil.node'");
    expect(report.hyperscan).toMatchObject({ code: 'ERR_NATIVE_UNAVAILABLE' });
    const message = (report.hyperscan as { message: string }).message;
    expect(message.split('\n').slice(0, 3)).toEqual([
      "The cardveil Hyperscan addon could not be loaded: Cannot find module '/nonexistent/cardveil.node'",
      'Fixes, in order:',
      '  1. Install Hyperscan and a build toolchain: `bash scripts/setup.sh` (Debian/Ubuntu: libhyperscan-dev;',
    ]);
    expect(message).toContain('  2. Rebuild the addon for this Node.js: `npm run build:native`');
    expect(report.loadError).toBe(message);
  });

  it('skips the addon without a warning when CARDVEIL_ENGINE=javascript, unless asked for explicitly', async () => {
    const report = await choose({ CARDVEIL_ENGINE: 'javascript' });
    expect(report).toEqual({
      active: 'javascript',
      engines: ['javascript', 'javascript'],
      warnings: [],
      hyperscan: 'hyperscan',
      loadError: null,
    });
  });

  it('refuses an unknown CARDVEIL_ENGINE value', async () => {
    const failure = await choose({ CARDVEIL_ENGINE: 'fast' }).catch((error: { stderr: string }) => error.stderr);
    expect(failure).toContain("Expected 'auto', 'hyperscan' or 'javascript' for CARDVEIL_ENGINE but received 'fast'");
  });
});
