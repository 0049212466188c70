/** Options of {@link retryWithBackoff}. */
export interface RetryOptions {
  /** Maximum number of attempts, the first one included; at least 1. */
  maxAttempts: number;

  /** Delay before the second attempt before jitter; it doubles with each further attempt. */
  baseDelayMs: number;

  /** Upper bound of one delay before jitter. */
  maxDelayMs: number;

  /** Returns true when the error of a failed attempt allows another attempt. */
  isRetryable: (error: unknown, attempt: number) => boolean;

  /** Called before each delay, with the failed attempt's number (1-based) and the delay. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;

  /** Source of randomness in [0, 1) for the jitter; `Math.random` by default. */
  random?: () => number;
}

/**
 * Returns the delay before attempt `attempt + 1`: exponential backoff capped at `maxDelayMs`, with
 * "equal jitter" (a uniform draw from the upper half of the capped delay). Unlike full jitter,
 * the sum of the delays grows with the attempt count, so a fixed number of attempts covers a
 * predictable outage time (at least half the sum of the capped delays).
 */
export function backoffDelayMs(
  attempt: number,
  options: Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs' | 'random'>,
): number {
  const exponential = options.baseDelayMs * 2 ** (attempt - 1);
  const capped = Math.min(options.maxDelayMs, exponential);
  const random = options.random ?? Math.random;
  return Math.round(capped / 2 + (random() * capped) / 2);
}

/**
 * Runs `operation` until it succeeds, an error is not retryable, or `maxAttempts` attempts have
 * failed, sleeping with exponential backoff and jitter between attempts. Throws the last error.
 *
 * @example
 * const body = await retryWithBackoff((attempt) => fetchObject(key), {
 *   maxAttempts: 5,
 *   baseDelayMs: 100,
 *   maxDelayMs: 2_000,
 *   isRetryable: (error) => error instanceof TimeoutError,
 * });
 */
export async function retryWithBackoff<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  if (!Number.isInteger(options.maxAttempts) || options.maxAttempts < 1) {
    throw new RangeError(
      `Invalid maxAttempts ${options.maxAttempts}: expected an integer of at least 1`,
    );
  }

  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (attempt >= options.maxAttempts || !options.isRetryable(error, attempt)) {
        throw error;
      }

      const delayMs = backoffDelayMs(attempt, options);
      options.onRetry?.(error, attempt, delayMs);
      await sleep(delayMs);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
