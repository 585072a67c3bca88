/**
 * Sensitive authentication data (PCI DSS 3.3): full track data, card verification codes, PINs and
 * PIN blocks. It is never stored after authorization, not even encrypted or hashed, so it may only
 * be labelled or removed: never masked, tokenized or vaulted.
 */
export const SAD_TYPES: ReadonlySet<string> = new Set(['track1', 'track2', 'cvv', 'pin_block', 'pin']);

/** Operators allowed for sensitive authentication data. */
export const SAD_OPERATORS: ReadonlySet<string> = new Set(['label', 'remove']);
