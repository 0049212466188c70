/**
 * The object-store interface every backend implements: the local directory store of the
 * embedded default and the S3 store. Keys are `/`-separated paths without a leading slash.
 */
export interface ObjectStore {
  /** A URL-like name of the store for messages, such as `file:///data` or `s3://bucket/prefix`. */
  readonly description: string;

  /** Reads a whole object. Throws `ObjectNotFoundError` when the key does not exist. */
  get(key: string): Promise<Uint8Array>;

  /** Reads `length` bytes starting at `offset`. Throws when the range runs past the end. */
  getRange(key: string, offset: number, length: number): Promise<Uint8Array>;

  /** Returns the object's size in bytes, or null when the key does not exist. */
  head(key: string): Promise<{ size: number } | null>;

  /**
   * Writes an object. With `ifNoneMatch: true` the write succeeds only if the key does not exist
   * yet and throws `ObjectExistsError` otherwise: the create-only write that manifests rely on.
   * A reader never sees a partly written object.
   */
  put(key: string, body: Uint8Array, options?: PutOptions): Promise<void>;

  /** Lists keys under a prefix in lexicographic order. */
  list(prefix: string): Promise<string[]>;

  /** Deletes the keys; missing keys are ignored. */
  delete(keys: string[]): Promise<void>;

  /** Releases connections and handles. */
  close(): Promise<void>;
}

export interface PutOptions {
  ifNoneMatch?: boolean;
}

/** Thrown when a key does not exist. */
export class ObjectNotFoundError extends Error {
  readonly code = 'OBJECT_NOT_FOUND';
  constructor(
    readonly key: string,
    readonly store: string,
  ) {
    super(`Object '${key}' not found in ${store}`);
    this.name = 'ObjectNotFoundError';
  }
}

/** Thrown by a create-only write when the key already exists. */
export class ObjectExistsError extends Error {
  readonly code = 'OBJECT_EXISTS';
  constructor(
    readonly key: string,
    readonly store: string,
  ) {
    super(`Object '${key}' already exists in ${store}`);
    this.name = 'ObjectExistsError';
  }
}
