/**
 * A progress line on stderr for long work: only when stderr is a terminal, drawn after the work
 * has run for a moment, redrawn at most 10 times a second, erased at the end. No colour when
 * NO_COLOR is set (https://no-color.org).
 */
/** Where the bar is drawn: stderr, or anything with the same two members. */
export interface ProgressSink {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface ProgressOptions {
  readonly stream: ProgressSink;
  readonly env: NodeJS.ProcessEnv;
  /** Total bytes when known. */
  readonly total?: number;
  readonly enabled?: boolean;
  /** Draw only once the work has run this long (default 300 ms: short work shows no bar). */
  readonly delayMs?: number;
  /** Redraw at most this often (default 100 ms). */
  readonly intervalMs?: number;
}

const WIDTH = 24;

export class Progress {
  readonly #stream: ProgressSink;
  readonly #delayMs: number;
  readonly #intervalMs: number;
  readonly #active: boolean;
  readonly #color: boolean;
  readonly #started = Date.now();
  readonly #total: number | undefined;
  #lastDraw = 0;
  #drawn = false;

  constructor(options: ProgressOptions) {
    this.#stream = options.stream;
    this.#active = (options.enabled ?? true) && options.stream.isTTY === true;
    this.#color = this.#active && !('NO_COLOR' in options.env && options.env['NO_COLOR'] !== '');
    this.#total = options.total;
    this.#delayMs = options.delayMs ?? 300;
    this.#intervalMs = options.intervalMs ?? 100;
  }

  update(done: number, label = ''): void {
    if (!this.#active) return;
    const now = Date.now();
    if (now - this.#started < this.#delayMs || now - this.#lastDraw < this.#intervalMs) return;
    this.#lastDraw = now;
    const seconds = Math.max(now - this.#started, 1) / 1000;
    const rate = `${formatBytes(done / seconds)}/s`;
    let bar = '';
    if (this.#total && this.#total > 0) {
      const fraction = Math.min(1, done / this.#total);
      const filled = Math.round(fraction * WIDTH);
      const fill = '#'.repeat(filled);
      bar = `[${this.#color ? `\x1b[32m${fill}\x1b[0m` : fill}${'.'.repeat(WIDTH - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}% `;
    }
    const name = label.length > 40 ? `...${label.slice(-37)}` : label;
    this.#stream.write(`\r\x1b[K${bar}${formatBytes(done)} ${rate} ${name}`);
    this.#drawn = true;
  }

  done(): void {
    if (this.#drawn) this.#stream.write('\r\x1b[K');
    this.#drawn = false;
  }
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}
