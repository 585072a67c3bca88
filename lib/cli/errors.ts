import { EXIT, type ExitCode } from './exit-codes.js';

export type CliErrorCode = 'ERR_USAGE' | 'ERR_CONFIG' | 'ERR_NO_INPUT' | 'ERR_CANT_CREATE' | 'ERR_IO' | 'ERR_DATA' | 'ERR_INTERNAL';

/** A failure the CLI reports as one line on stderr and an exit code. Never contains scanned data. */
export class CliError extends Error {
  readonly code: CliErrorCode;
  readonly exitCode: ExitCode;

  constructor(code: CliErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
    this.code = code;
    this.exitCode = EXIT_FOR[code];
  }
}

const EXIT_FOR: Record<CliErrorCode, ExitCode> = {
  ERR_USAGE: EXIT.USAGE,
  ERR_CONFIG: EXIT.CONFIG,
  ERR_NO_INPUT: EXIT.NO_INPUT,
  ERR_CANT_CREATE: EXIT.CANT_CREATE,
  ERR_IO: EXIT.IO,
  ERR_DATA: EXIT.DATA,
  ERR_INTERNAL: EXIT.SOFTWARE,
};

export function usage(message: string): CliError {
  return new CliError('ERR_USAGE', message);
}

/**
 * Maps any error to a CliError: system errors by errno code, stream errors by their code,
 * everything else as internal (exit 70).
 */
export function toCliError(error: unknown, context?: string): CliError {
  if (error instanceof CliError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const where = context ? `${context}: ` : '';
  switch (code) {
    case 'ENOENT':
    case 'EISDIR':
    case 'ENOTDIR':
      return new CliError('ERR_NO_INPUT', `${where}${message}`, { cause: error });
    case 'EACCES':
    case 'EPERM':
    case 'EEXIST':
    case 'EROFS':
      return new CliError('ERR_CANT_CREATE', `${where}${message}`, { cause: error });
    case 'ENOSPC':
    case 'EIO':
    case 'EPIPE':
    case 'Z_DATA_ERROR':
    case 'Z_BUF_ERROR':
      return new CliError('ERR_IO', `${where}${message}`, { cause: error });
    case 'ERR_HOLDBACK_EXCEEDED':
      return new CliError('ERR_DATA', `${where}${message}`, { cause: error });
    default:
      return new CliError('ERR_INTERNAL', `${where}${message}`, { cause: error });
  }
}
