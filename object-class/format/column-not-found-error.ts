/**
 * Thrown when a requested column path does not exist in an object's schema. `closest` is the
 * existing column path nearest to the request by edit distance, or null when the schema is empty.
 */
export class ColumnNotFoundError extends RangeError {
  readonly code = 'COLUMN_NOT_FOUND';

  constructor(
    readonly key: string,
    readonly column: string,
    readonly closest: string | null,
  ) {
    const hint = closest === null ? 'the object has no columns' : `did you mean '${closest}'?`;
    super(`Column '${column}' not found in object '${key}': ${hint}`);
    this.name = 'ColumnNotFoundError';
  }
}
