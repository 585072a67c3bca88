/**
 * Exit codes of the `cardveil` CLI (sysexits.h numbering where one applies). Documented in
 * `cardveil --help` and the README; tests pin them.
 */
export const EXIT = {
  /** Success. For `scan`: no card data found. */
  OK: 0,
  /** `scan` only: card data was found. */
  FINDINGS: 1,
  /** Bad command line. */
  USAGE: 2,
  /** Input data cannot be processed as asked (e.g. a line longer than the holdback bound). */
  DATA: 65,
  /** An input path does not exist or cannot be read. */
  NO_INPUT: 66,
  /** Internal failure (a worker crashed, an engine error): nothing unchecked was written. */
  SOFTWARE: 70,
  /** An output file or directory cannot be created. */
  CANT_CREATE: 73,
  /** Reading or writing failed midway. */
  IO: 74,
  /** Bad configuration: the policy pack, ignore file or engine choice. */
  CONFIG: 78,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
