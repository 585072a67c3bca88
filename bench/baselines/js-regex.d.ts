/** Types for the pure-JavaScript baseline in js-regex.js (plain JS on purpose: no build step). */
export declare function findPans(input: string | Uint8Array): number[];
export declare function redactPans(input: string): string;
export declare function redactPans(input: Uint8Array): Buffer;
