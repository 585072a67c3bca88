/** The README section's complete pack example must stay a valid pack. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePack } from '../../lib/policy/load.js';

describe('README.md', () => {
  it('has a complete pack example that validates', () => {
    const md = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const yaml = /```yaml\n(pack:[\s\S]*?)```/.exec(md)?.[1];
    expect(yaml).toBeDefined();
    const pack = parsePack(yaml!, 'README example');
    expect(pack.policies.chain).toEqual(['pii-detector', 'dlp-filter', 'data-routing-policy', 'audit-logger']);
    expect(pack.policy['pii-detector']?.redaction.marker_format).toBe('vault');
    expect(pack.policy['pii-detector']?.redaction.keys.map((k) => k.id)).toEqual(['k2', 'k1']);
  });
});
