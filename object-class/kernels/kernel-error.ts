/** Reasons a kernel stops while scanning. */
export type KernelErrorCode =
  | 'EMPTY_SEQUENCE'
  | 'INDEX_OUT_OF_RANGE'
  | 'TOO_MANY_COMBINATIONS'
  | 'LENGTH_MISMATCH'
  | 'TOO_MANY_ROWS'
  | 'TOO_MANY_BYTES'
  | 'MISSING_COLUMN'
  | 'INVALID_BATCH'
  | 'INT_OUT_OF_RANGE';

/** An error raised while a kernel scans data, with a typed code for callers to branch on. */
export class KernelError extends Error {
  readonly code: KernelErrorCode;

  constructor(code: KernelErrorCode, message: string) {
    super(message);
    this.name = 'KernelError';
    this.code = code;
  }
}
