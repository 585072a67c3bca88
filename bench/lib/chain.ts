/**
 * The "full chain" the prompt and gateway suites time: a pack's links run on one text.
 *
 * Uses the Scrubber over the pack (lib/scrub.ts). Its description says which links ran, so the
 * results never present a partial chain as the whole one.
 */
import { loadScrub, type Loaded } from './ours.js';

export interface Chain {
  /** Which implementation and links run, for the results notes. */
  readonly description: string;
  /** One evaluation; returns the output text (consumed by the bench). */
  evaluate(text: string): string;
  /** Findings in `text` (not timed). */
  findings(text: string): number;
}

export async function loadChain(packPath: string): Promise<Loaded<Chain>> {
  const scrub = await loadScrub();
  if (!scrub.ok) return scrub;
  const scrubber = scrub.value.Scrubber.create({ pack: packPath, engine: 'hyperscan' });
  return {
    ok: true,
    value: {
      description: `Scrubber.create({ pack: ${packPath.split('/').slice(-1)[0]} }).scrubText: pii-detector + dlp-filter links`,
      evaluate: (text) => scrubber.scrubText(text).output,
      findings: (text) => scrubber.scrubText(text).findings,
    },
  };
}
