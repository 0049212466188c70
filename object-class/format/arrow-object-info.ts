/** Body compression of a columnar object: none, LZ4_FRAME or ZSTD. */
export type ObjectCompression = 'none' | 'lz4' | 'zstd';

/**
 * Statistics of one leaf column over the values reachable through non-null parents: for a list
 * column the values of all its lists, for a struct field the field's values in non-null rows.
 * `min` and `max` are present for numeric leaves only, and are null when the leaf has no
 * non-null, non-NaN value. A null list or null struct row is not counted in its leaves.
 */
export interface ColumnStatistics {
  min?: number | null;
  max?: number | null;
  nullCount: number;
  valueCount: number;
}

/**
 * CRC-32 checksums (zlib polynomial) of the parts of an object. Column checksums cover the stored
 * bytes of body buffers, compressed where the object is compressed, in file order across all
 * record batches.
 */
export interface ObjectChecksums {
  /** Checksum of the footer flatbuffer. */
  footerCrc32: number;
  /** Checksum of the metadata of all record batch messages, in file order. */
  batchHeadersCrc32: number;
  /** Per top-level column: every buffer of the column and its children. */
  columns: Record<string, number>;
  /**
   * Per leaf, such as `MET_pt`, `Jet.pt` or `MET.pt`: the buffers a reader needs to decode the
   * leaf, which are the validity and offsets buffers of its parents and the leaf's own buffers.
   */
  leaves: Record<string, number>;
}

/** Description of one columnar object, stored as plain JSON in the dataset manifest. */
export interface ArrowObjectInfo {
  eventCount: number;
  byteSize: number;
  /** SHA-256 of the whole object, lowercase hex. */
  sha256: string;
  compression: ObjectCompression;
  recordBatchCount: number;
  /**
   * Bytes of the footer flatbuffer. A ranged reader that knows it fetches exactly the footer and
   * the 10-byte trailer in its first request.
   */
  footerLength: number;
  /** Per leaf column, keyed like `ObjectChecksums.leaves`. */
  statistics: Record<string, ColumnStatistics>;
  checksums: ObjectChecksums;
}
