/** Help texts. Exit codes are listed once, here, and pinned by test/cli. */
export const EXIT_CODES_HELP = `Exit codes:
  0   success (scan: no card data found)
  1   scan: card data found
  2   usage error (bad option or argument)
  65  input cannot be processed as asked (e.g. a line longer than the holdback bound)
  66  an input path does not exist or cannot be read
  70  internal failure (nothing unchecked was written)
  73  cannot create an output file or directory
  74  I/O error while reading or writing
  78  bad configuration (policy pack, ignore file)
`;

export const MAIN_HELP = `Usage: cardveil <command> [options]

Keep payment-card data (PANs, CVV, track data, PIN blocks) out of logs and LLM prompts.

Commands:
  scrub [PATH ...]    remove card data from logs (stdin to stdout, or files to -o DIR / --in-place)
  scan [PATH ...]     find card data in files (text, JSON or SARIF report; exit 1 when found)
  serve               run the LLM gateway
  audit | events | export   audit trail commands

Run "cardveil <command> --help" for a command's options.

Options:
  -h, --help          show this help
  -v, --version       show the version

${EXIT_CODES_HELP}`;

export const SCRUB_HELP = `Usage: cardveil scrub [options] [PATH ...]

Remove card data from logs. With no PATH, reads stdin and writes stdout:
  cardveil scrub < app.log > app.clean.log
When stdin pauses (a live "tail -f app.log | cardveil scrub"), complete lines that are safe to
emit go out after 100 ms; a line ending in digits or holding a card-length number waits for the
next line. A closed stdout ("... | head") ends the command quietly with exit 0.
With PATHs (files or directories, recursive), writes to -o DIR or rewrites in place.
Gzip input (detected by content) gives gzip output. Binary data and invalid UTF-8 pass through
byte for byte except redacted spans.

Options:
  -o, --output DIR       write scrubbed files under DIR (same names, same tree)
      --in-place         replace each file atomically (file mode kept)
      --pack FILE        policy pack (YAML); default: the built-in pack
      --format FORMAT    text (default) or jsonl (string values scrubbed, lines stay valid JSON)
      --engine ENGINE    auto (default), hyperscan or javascript
      --threads N        scrubbing threads (default: all cores): N-1 workers and the main
                         thread; 1 scrubs on the main thread only
      --report FILE      write a JSON report (per file and per finding type)
      --ignore-file FILE extra gitignore-style patterns for directory inputs
      --no-ignore        do not read .cardveilignore in directory inputs
      --no-progress      no progress bar (it is shown only on a terminal anyway)
  -q, --quiet            no summary on stderr
  -h, --help             show this help

${EXIT_CODES_HELP}`;

export const SCAN_HELP = `Usage: cardveil scan [options] [PATH ...]

Find cardholder data in files and directories (recursive; default: the current directory).
Reports file, line, column, type, brand and a masked value (never a full card number).
Gzip files are scanned decompressed. Paths matching .cardveilignore (gitignore-style, in each
directory given) are skipped.

Options:
      --format FORMAT       text (default), json or sarif
  -o, --output FILE         write the report to FILE instead of stdout
      --pack FILE           policy pack (YAML): scan with its detectors and DLP filter
                            (patterns, blocked terms, sensitivity), like scrub --pack
      --sensitivity LEVEL   standard (default, or the pack's), high or restricted
      --engine ENGINE       auto (default), hyperscan or javascript
      --include-masked      also report already-masked card numbers (they never fail the scan)
      --ignore-file FILE    extra gitignore-style patterns
      --no-ignore           do not read .cardveilignore
  -q, --quiet               text format: no summary line
  -h, --help                show this help

${EXIT_CODES_HELP}`;
