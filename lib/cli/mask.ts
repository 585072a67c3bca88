/**
 * The value shown for a finding in `scan` reports. Never a full card number (PCI DSS 3.4.1: at
 * most the BIN and the last four digits); sensitive authentication data (CVV, track, PIN) is never
 * shown at all.
 */
import type { Finding } from '../detectors/types.js';

export function maskedValue(finding: Finding): string {
  const value = finding.value ?? '';
  switch (finding.type) {
    case 'pan':
      return maskPan(value);
    case 'masked_pan':
      return maskPan(value); // already masked: re-masked so a report never echoes more than BIN + last four
    case 'track1':
    case 'track2': {
      const pan = /\d{12,19}/.exec(value.replace(/[^\d=^D]/g, ''))?.[0];
      return pan ? `${maskPan(pan)} (track data removed)` : '[track data]';
    }
    case 'cvv':
      return '***';
    case 'expiry':
      return '**/**';
    case 'pin':
    case 'pin_block':
      return '****';
    default:
      return '*'.repeat(Math.min(Math.max(value.length, 4), 16));
  }
}

/** First six and last four digits for 15+ digit numbers, last four only for shorter ones. */
export function maskPan(value: string): string {
  const digits = [...value].filter((c) => c >= '0' && c <= '9').join('');
  if (digits.length < 12) return '*'.repeat(Math.max(digits.length, 12));
  const last = digits.slice(-4);
  if (digits.length < 15) return `${'*'.repeat(digits.length - 4)}${last}`;
  return `${digits.slice(0, 6)}${'*'.repeat(digits.length - 10)}${last}`;
}
