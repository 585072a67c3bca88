/**
 * The built-in default pack, embedded so it works from lib/, dist/ and bundles alike.
 * packs/default.yaml holds the same text (test/policy/default-pack.test.ts keeps them equal).
 */
import { parsePack } from './load.js';
import type { Pack } from './schema.js';

export const DEFAULT_PACK_YAML = `# cardveil's built-in pack: runs when no pack is given.
# Card-data detectors at standard sensitivity, every finding replaced by a label such as
# [REDACTED:PAN]; no DLP filter, no routing, no audit trail.
pack:
  name: cardveil-default
  version: "1.0.0"

policies:
  chain:
    - pii-detector

policy:
  pii-detector:
    action: redact
    pci_mode: true
    sensitivity: standard
    redaction:
      marker_format: label
      include_metadata: false
`;


let cached: Pack | undefined;

/** The built-in default pack, validated (PCI detectors, label redaction, no DLP). */
export function defaultPack(): Pack {
  cached ??= parsePack(DEFAULT_PACK_YAML, 'packs/default.yaml');
  return cached;
}
