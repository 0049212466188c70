import type { ErrorSite } from './kernel-bindings.js';
import { KernelError } from './kernel-error.js';

/** Collections up to this length sort by insertion; longer ones by merge sort. */
const INSERTION_SORT_MAX_LENGTH = 32;

/** Helpers generated kernels call as `rt.name(...)`: errors, buffer growth and sorting. */
export interface KernelRuntime {
  grow(buffer: Float64Array): Float64Array;
  sortIndices(order: Int32Array, keys: Float64Array, length: number, descending: boolean): void;
  emptySequence(site: number, event: number): never;
  indexOutOfRange(site: number, event: number, index: number, length: number): never;
  tooManyCombinations(site: number, event: number, length: number): never;
  lengthMismatch(site: number, event: number, first: number, other: number): never;
  tooManyRows(event: number, limit: number): never;
}

/** Builds the runtime of one kernel; error messages name the query site and the event. */
export function createKernelRuntime(
  sites: ErrorSite[],
  maxCombinationsPerEvent: number,
): KernelRuntime {
  const where = (site: number, event: number): string => {
    const { label, span } = sites[site];
    return `${label} at line ${span.start.line}, column ${span.start.column} failed in event ${event}`;
  };

  return {
    grow: (buffer) => {
      const larger = new Float64Array(buffer.length * 2);
      larger.set(buffer);
      return larger;
    },
    sortIndices,
    emptySequence: (site, event) => {
      throw new KernelError(
        'EMPTY_SEQUENCE',
        `${where(site, event)}: the sequence is empty; filter events first, as in Where(lambda e: e.Jet.Count() > 0)`,
      );
    },
    indexOutOfRange: (site, event, index, length) => {
      throw new KernelError(
        'INDEX_OUT_OF_RANGE',
        `${where(site, event)}: index ${index} is out of range for ${length} elements; filter on the length first`,
      );
    },
    tooManyCombinations: (site, event, length) => {
      const size = /\d+/.exec(sites[site].label)?.[0] ?? '?';
      throw new KernelError(
        'TOO_MANY_COMBINATIONS',
        `${where(site, event)}: ${length} elements give more than the limit of ${maxCombinationsPerEvent} ` +
          `combinations of ${size} per event (maxCombinationsPerEvent); filter the collection first or raise the limit (--max-combinations)`,
      );
    },
    lengthMismatch: (site, event, first, other) => {
      throw new KernelError(
        'LENGTH_MISMATCH',
        `${where(site, event)}: the zipped lists have lengths ${first} and ${other}; zip lists of one collection`,
      );
    },
    tooManyRows: (event, limit) => {
      throw new KernelError(
        'TOO_MANY_ROWS',
        `The rows output passed the limit of ${limit} rows in event ${event} (maxResultRows); filter more or raise the limit (--max-result-rows)`,
      );
    },
  };
}

/**
 * Fills `order[0..length)` with 0..length-1 sorted stably by `keys`, ascending or descending,
 * with NaN keys last. Uses no memory beyond `order` for short inputs.
 */
export function sortIndices(
  order: Int32Array,
  keys: Float64Array,
  length: number,
  descending: boolean,
): void {
  for (let i = 0; i < length; i++) order[i] = i;
  const before = (a: number, b: number): boolean => {
    const x = keys[a];
    const y = keys[b];
    if (x !== x) return false;
    if (y !== y) return true;
    return descending ? x > y : x < y;
  };

  if (length <= INSERTION_SORT_MAX_LENGTH) {
    for (let i = 1; i < length; i++) {
      const item = order[i];
      let j = i - 1;
      while (j >= 0 && before(item, order[j])) {
        order[j + 1] = order[j];
        j--;
      }
      order[j + 1] = item;
    }
    return;
  }

  const sorted = Array.from(order.subarray(0, length)).sort((a, b) =>
    before(a, b) ? -1 : before(b, a) ? 1 : a - b,
  );
  order.set(sorted);
}
