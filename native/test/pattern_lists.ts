/**
 * Writes the built-in trigger patterns as a list for pattern_cost.cc ("id<TAB>flags<TAB>expression"
 * per line), and the corpus the bench scans (the loghub files, concatenated and repeated to about
 * 20 MB), so that a trigger change can be priced before it lands:
 *
 *   npx tsx native/test/pattern_lists.ts native/test/build/builtin.txt native/test/build/loghub.bin
 *   # copy builtin.txt, edit the copy, then
 *   native/test/build/pattern_cost native/test/build/loghub.bin native/test/build/builtin.txt my-edit.txt
 */
import { writeFileSync } from 'node:fs';
import { buildCorpora } from '../../bench/lib/corpus.js';
import { builtinPatterns } from '../../lib/detectors/patterns.js';
import type { PatternSpec } from '../../lib/engine/types.js';

function letters(spec: PatternSpec): string {
  const f = spec.flags ?? {};
  const out = `${f.caseless ? 'i' : ''}${f.dotall ? 's' : ''}${f.multiline ? 'm' : ''}${f.singlematch ? '1' : ''}${f.leftmostStart ? 'l' : ''}${f.utf8 ? 'u' : ''}`;
  return out === '' ? '-' : out;
}

const [listFile, corpusFile] = process.argv.slice(2);
if (!listFile || !corpusFile) {
  console.error('usage: npx tsx native/test/pattern_lists.ts <list file> <corpus file>');
  process.exit(2);
}
const { patterns } = builtinPatterns();
writeFileSync(listFile, patterns.map((p) => `${p.id}\t${letters(p)}\t${p.expression}`).join('\n') + '\n');
const corpus = buildCorpora(20_000_000).loghub.bytes;
writeFileSync(corpusFile, corpus);
console.log(`${patterns.length} patterns -> ${listFile}; ${corpus.length} bytes of loghub -> ${corpusFile}`);
