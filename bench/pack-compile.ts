/**
 * Question: what does start-up cost? Building a Scrubber from a pack (YAML parse, validation,
 * Hyperscan compile of built-ins + DLP patterns + blocked terms) against rebuilding a Detector
 * from its serialized database (what worker threads do), and the default Detector compile.
 */
import { join } from 'node:path';
import { corpusDir } from './lib/corpus.js';
import { measure, type Row, type TaskSpec } from './lib/measure.js';
import { loadDetectors, loadScrub } from './lib/ours.js';
import { ratioOf, rowOf, skipped, type Ratio, type Suite } from './lib/suite.js';

/** shared/packs beside the corpus folder (shared/corpus/loghub → shared/packs). */
function seedPackPath(): string {
  return join(corpusDir(), '..', '..', 'packs', 'pci-ai-governance.yaml');
}

export const suite: Suite = {
  id: 'pack-compile',
  title: 'Pack compile time',
  question: 'How long does start-up take: pack → ready Scrubber, and Detector compile vs deserialize?',
  inCheck: false,
  async run(ctx) {
    const rows: Row[] = [];
    const ratios: Ratio[] = [];
    const notes: string[] = [];
    const timing = { time: ctx.quick ? 500 : 2000, iterations: ctx.quick ? 3 : 10 };
    const tasks: TaskSpec[] = [];

    const detectors = await loadDetectors();
    if (detectors.ok) {
      const { Detector } = detectors.value;
      const serialized = new Detector({ engine: 'hyperscan' }).serialize();
      tasks.push(
        { contender: 'new Detector() (compile built-ins)', kind: 'ours', input: 'built-in set', bytes: null, fn: () => new Detector({ engine: 'hyperscan' }) },
        {
          contender: 'new Detector({ serialized }) (deserialize)',
          kind: 'ours',
          input: `serialized, ${(serialized.length / 1024).toFixed(0)} KB`,
          bytes: null,
          fn: () => new Detector({ engine: 'hyperscan', serialized }),
        },
      );
    } else {
      notes.push(`Detector rows skipped: ${detectors.reason}`);
    }

    const scrub = await loadScrub();
    if (scrub.ok) {
      const { Scrubber } = scrub.value;
      const pack = seedPackPath();
      tasks.push(
        { contender: 'Scrubber.create() (default pack)', kind: 'ours', input: 'packs/default.yaml', bytes: null, fn: () => Scrubber.create({ engine: 'hyperscan' }) },
        { contender: 'Scrubber.create({ pack }) (seed pack)', kind: 'ours', input: 'pci-ai-governance.yaml', bytes: null, fn: () => Scrubber.create({ pack, engine: 'hyperscan' }) },
      );
    } else {
      notes.push(`Scrubber rows skipped: ${scrub.reason}`);
    }
    if (tasks.length === 0) return skipped(notes.join('; '));
    rows.push(...(await measure('pack-compile', tasks, timing)));
    if (detectors.ok) {
      ratios.push(
        ratioOf('pack-compile/deserialize-vs-compile', 'Detector: deserialize ops/s ÷ compile ops/s', rowOf(rows, 'new Detector({ serialized }) (deserialize)'), rowOf(rows, 'new Detector() (compile built-ins)')),
      );
    }
    notes.push('p50/p99 are per construction; ops/s = constructions per second.');
    return { rows, ratios, goals: [], notes };
  },
};
