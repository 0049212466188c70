import type { ColumnStatistics } from '../arrow-object-info.js';

/** Description of one row object, stored as plain JSON in the dataset manifest. */
export interface RowObjectInfo {
  eventCount: number;
  byteSize: number;
  /** SHA-256 of the whole object, lowercase hex. */
  sha256: string;
  /** Per leaf column, keyed like `ArrowObjectInfo.statistics`, so queries prune row objects too. */
  statistics: Record<string, ColumnStatistics>;
}
