import { pino, type Logger } from 'pino';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

let root: Logger | undefined;

/**
 * Returns the logger of one component (`storage-node`, `transformer`, `s3-store`, `cli`). Logs are
 * JSON lines on standard error; `SKYSIFT_LOG_LEVEL` sets the level (default `info`).
 */
export function createLogger(component: string): Logger {
  root ??= pino({ level: logLevel(), base: { pid: process.pid } }, pino.destination(2));
  return root.child({ component });
}

function logLevel(): string {
  const level = process.env.SKYSIFT_LOG_LEVEL ?? 'info';
  if (!LEVELS.includes(level)) {
    throw new TypeError(
      `Invalid SKYSIFT_LOG_LEVEL '${level}': expected one of ${LEVELS.join(', ')}`,
    );
  }
  return level;
}

/** Converts a caught value of unknown type to an Error. */
export function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
