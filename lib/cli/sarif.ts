/** SARIF 2.1.0 output for `cardveil scan` (GitHub code scanning and other SARIF consumers). */
import { relative, sep } from 'node:path';
import type { FindingType } from '../detectors/types.js';
import type { ScanFinding } from './scan-file.js';

const RULES: Record<FindingType, { name: string; text: string; level: 'error' | 'warning' | 'note' }> = {
  pan: { name: 'PrimaryAccountNumber', text: 'Payment card number (PAN) in clear text', level: 'error' },
  masked_pan: { name: 'MaskedAccountNumber', text: 'Masked payment card number', level: 'note' },
  track1: { name: 'Track1Data', text: 'Magnetic stripe track 1 data', level: 'error' },
  track2: { name: 'Track2Data', text: 'Magnetic stripe track 2 data', level: 'error' },
  cvv: { name: 'CardVerificationValue', text: 'Card verification code (CVV/CVC/CID)', level: 'error' },
  expiry: { name: 'ExpiryDate', text: 'Card expiry date', level: 'warning' },
  pin_block: { name: 'PinBlock', text: 'PIN block', level: 'error' },
  pin: { name: 'Pin', text: 'Clear-text PIN', level: 'error' },
  custom: { name: 'CustomPattern', text: 'Custom DLP pattern', level: 'warning' },
  blocked_term: { name: 'BlockedTerm', text: 'Blocked term', level: 'warning' },
};

export function toSarif(findings: readonly ScanFinding[], toolVersion: string, cwd = process.cwd()): object {
  const types = [...new Set(findings.map((f) => f.type))].sort();
  const ruleIndex = new Map(types.map((type, i) => [type, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'cardveil',
            version: toolVersion,
            rules: types.map((type) => ({
              id: `cardveil/${type}`,
              name: RULES[type].name,
              shortDescription: { text: RULES[type].text },
              defaultConfiguration: { level: RULES[type].level },
              properties: { tags: ['security', 'pci-dss'] },
            })),
          },
        },
        columnKind: 'unicodeCodePoints',
        results: findings.map((f) => ({
          ruleId: `cardveil/${f.type}`,
          ruleIndex: ruleIndex.get(f.type)!,
          level: RULES[f.type].level,
          message: { text: `${RULES[f.type].text}${f.brand ? ` (${f.brand})` : ''}: ${f.masked}` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: relative(cwd, f.file).split(sep).join('/') },
                region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
              },
            },
          ],
          properties: { detector: f.detector, confidence: f.confidence, testCard: f.testCard },
        })),
      },
    ],
  };
}
