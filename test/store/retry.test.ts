import { describe, expect, it } from 'vitest';

import { backoffDelayMs, retryWithBackoff } from '../../object-class/store/retry.js';

const FAST = { baseDelayMs: 1, maxDelayMs: 4 };

describe('backoffDelayMs', () => {
  it('doubles up to the cap with equal jitter', () => {
    const options = { baseDelayMs: 100, maxDelayMs: 1_000 };
    const lowest = (attempt: number) => backoffDelayMs(attempt, { ...options, random: () => 0 });
    const highest = (attempt: number) =>
      backoffDelayMs(attempt, { ...options, random: () => 0.999999 });

    expect([1, 2, 3, 4, 5, 6].map(lowest)).toEqual([50, 100, 200, 400, 500, 500]);
    expect([1, 2, 3, 4, 5, 6].map(highest)).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });
});

describe('retryWithBackoff', () => {
  it('retries until success', async () => {
    const seen: Array<[number, number]> = [];
    const result = await retryWithBackoff(
      async (attempt) => {
        if (attempt < 3) throw new Error(`fail ${attempt}`);
        return attempt;
      },
      {
        ...FAST,
        maxAttempts: 5,
        isRetryable: () => true,
        onRetry: (_error, attempt, delayMs) => seen.push([attempt, delayMs]),
      },
    );

    expect(result).toBe(3);
    expect(seen.map(([attempt]) => attempt)).toEqual([1, 2]);
    for (const [, delayMs] of seen) expect(delayMs).toBeLessThanOrEqual(4);
  });

  it('stops at maxAttempts with the last error', async () => {
    let calls = 0;
    const failing = retryWithBackoff(
      async (attempt) => {
        calls++;
        throw new Error(`fail ${attempt}`);
      },
      { ...FAST, maxAttempts: 4, isRetryable: () => true },
    );

    await expect(failing).rejects.toThrow('fail 4');
    expect(calls).toBe(4);
  });

  it('does not retry a permanent error', async () => {
    let calls = 0;
    const failing = retryWithBackoff(
      async () => {
        calls++;
        throw new TypeError('permanent');
      },
      { ...FAST, maxAttempts: 4, isRetryable: (error) => !(error instanceof TypeError) },
    );

    await expect(failing).rejects.toThrow(TypeError);
    expect(calls).toBe(1);
  });

  it('rejects invalid maxAttempts', async () => {
    const options = { ...FAST, maxAttempts: 0, isRetryable: () => true };

    await expect(retryWithBackoff(async () => 1, options)).rejects.toThrow(RangeError);
  });
});
