import { createHash } from 'node:crypto';
import type { ResultFormat } from './delivery-record.js';

/** Inputs that determine the result files of a delivery request. */
export interface CacheKeyParts {
  dataset: string;
  /** A new manifest version (appended data) gives a new key. */
  manifestVersion: number;
  /** The query as qastle, so that spacing and query form do not change the key. */
  normalizedQuery: string;
  resultFormat: ResultFormat;
}

/** Returns the SHA-256 hex digest of the parts, the cache key of a delivery request. */
export function deliveryCacheKey(parts: CacheKeyParts): string {
  const text = JSON.stringify([
    parts.dataset,
    parts.manifestVersion,
    parts.normalizedQuery,
    parts.resultFormat,
  ]);
  return createHash('sha256').update(text).digest('hex');
}
