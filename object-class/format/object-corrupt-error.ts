/** Reason code of an `ObjectCorruptError`: the check that the stored object failed. */
export type ObjectCorruptCode =
  | 'SIZE_MISMATCH'
  | 'TRUNCATED'
  | 'BAD_MAGIC'
  | 'FOOTER_OUT_OF_RANGE'
  | 'INVALID_METADATA'
  | 'CHECKSUM_MISMATCH'
  | 'SHA256_MISMATCH'
  | 'DECOMPRESSION_FAILED';

/**
 * Thrown when a stored object does not match its manifest entry or is not a valid Arrow IPC file.
 * Readers throw it in place of returning values from damaged bytes.
 */
export class ObjectCorruptError extends Error {
  constructor(
    readonly code: ObjectCorruptCode,
    readonly key: string,
    message: string,
  ) {
    super(`Object '${key}' is corrupt: ${message}`);
    this.name = 'ObjectCorruptError';
  }
}
