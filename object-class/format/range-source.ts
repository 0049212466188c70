import type { ObjectStore } from '../store/object-store.js';
import { ObjectNotFoundError } from '../store/object-store.js';

/** Random access to the bytes of one stored object, such as ranged GETs on S3. */
export interface RangeSource {
  /** Object key, used in error messages. */
  key: string;
  /** Object size in bytes. */
  size: number;
  /** Reads `length` bytes starting at `offset`. */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** Wraps an object that is already in memory as a range source. */
export function rangeSourceFromBytes(key: string, bytes: Uint8Array): RangeSource {
  return {
    key,
    size: bytes.length,
    read: async (offset, length) => bytes.subarray(offset, offset + length),
  };
}

/**
 * Opens a stored object as a range source: one `head` request for the size, then one
 * `getRange` request per read. Throws `ObjectNotFoundError` when the key does not exist.
 */
export async function rangeSourceFromStore(store: ObjectStore, key: string): Promise<RangeSource> {
  const head = await store.head(key);
  if (head === null) throw new ObjectNotFoundError(key, store.description);

  return {
    key,
    size: head.size,
    read: (offset, length) => store.getRange(key, offset, length),
  };
}
