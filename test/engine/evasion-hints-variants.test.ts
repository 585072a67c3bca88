/**
 * Every SIMD variant of the native evasion-hint pass (AVX-512BW, AVX2, SSE2, portable) against the
 * TypeScript reference, each built under AddressSanitizer and UndefinedBehaviorSanitizer. The addon
 * runs only the variant this CPU picks, so the others are built here from native/evasion_hints.cc
 * with a small driver (fixtures/evasion_hints_variants.cc), which also checks that streams cut at
 * every byte and fed one byte at a time agree with block mode.
 *
 * Needs g++ with libasan; without it the test skips locally and fails in CI.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONTROL_INVISIBLES, invisibleCodePoints, scriptDigitCodePoints } from '../../lib/detectors/patterns.js';
import { codePointRanges, findEvasionHints } from '../../lib/engine/evasion-hints.js';
import type { EvasionHintConfig } from '../../lib/engine/types.js';
import { blockEdgeInputs, byteToken, sparseBytes } from './fixtures/evasion-inputs.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const hasCompiler = spawnSync('g++', ['--version']).status === 0;
const inCi = Boolean(process.env['CI']);

const config: EvasionHintConfig = {
  id: 50,
  digits: codePointRanges(scriptDigitCodePoints()),
  invisibles: codePointRanges([...invisibleCodePoints(), ...CONTROL_INVISIBLES]),
};

const VARIANTS: [string, string[]][] = [
  ['dispatched (AVX-512BW on this CPU if it has it)', []],
  ['AVX2', ['-DCARDVEIL_EVASION_HINTS_FORCE_AVX2']],
  ['SSE2', ['-DCARDVEIL_EVASION_HINTS_FORCE_SSE2']],
  ['portable', ['-DCARDVEIL_EVASION_HINTS_FORCE_SCALAR']],
];

/** The reference's hints as the driver prints them: "start end " pairs per line. */
const expectedLine = (b: Uint8Array): string => {
  const found = findEvasionHints(b, config);
  let line = '';
  for (let k = 0; k < found.length; k += 3) line += `${found[k + 1]} ${found[k + 2]} `;
  return line;
};

describe.skipIf(!hasCompiler && !inCi)(`evasion-hint SIMD variants under ASan/UBSan${hasCompiler ? '' : ' (skipped: no g++)'}`, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cardveil-hints-'));
  const configFile = path.join(dir, 'config.txt');
  fs.writeFileSync(
    configFile,
    [String(config.id), ...config.digits.map(([f, l]) => `d ${f} ${l}`), ...config.invisibles.map(([f, l]) => `i ${f} ${l}`)].join('\n') + '\n',
  );
  const short = fc.sample(fc.array(byteToken, { maxLength: 60 }).map((t) => Uint8Array.from(t.flat())), { numRuns: 400, seed: 60 });
  const long = fc.sample(sparseBytes, { numRuns: 80, seed: 61 });
  const inputs = [new Uint8Array(0), ...short, ...long, ...blockEdgeInputs()];
  const inputFile = path.join(dir, 'inputs.hex');
  fs.writeFileSync(inputFile, inputs.map((b) => Buffer.from(b).toString('hex')).join('\n') + '\n');
  const expected = inputs.map(expectedLine);

  it('has inputs with hints to compare', () => {
    expect(expected.filter((line) => line !== '').length).toBeGreaterThan(400);
  });

  for (const [name, defines] of VARIANTS) {
    it(`the ${name} variant reports exactly the reference hints, in blocks and in streams`, () => {
      const binary = path.join(dir, `variant-${defines.join('') || 'default'}`);
      execFileSync('g++', [
        '-std=c++17', '-O1', '-g', '-Wall', '-Wextra', '-Werror',
        '-fsanitize=address,undefined', '-fno-sanitize-recover=all', '-fno-omit-frame-pointer',
        ...defines, '-o', binary,
        path.join(ROOT, 'test/engine/fixtures/evasion_hints_variants.cc'), path.join(ROOT, 'native/evasion_hints.cc'),
      ]);
      const run = spawnSync(binary, [configFile, inputFile], { encoding: 'utf8', maxBuffer: 64 << 20 });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const lines = run.stdout.split('\n').slice(0, -1);
      expect(lines.length).toBe(inputs.length);
      lines.forEach((line, k) => {
        if (line !== expected[k]) expect({ input: Buffer.from(inputs[k]!).toString('hex'), line }).toEqual({ input: Buffer.from(inputs[k]!).toString('hex'), line: expected[k] });
      });
    }, 180_000);
  }
});
