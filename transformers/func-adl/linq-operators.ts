/** LINQ operators that qastle writes as `(Name source args...)`, with their argument counts. */
export const LINQ_OPERATOR_ARITY: ReadonlyMap<string, number> = new Map([
  ['Where', 1],
  ['Select', 1],
  ['SelectMany', 1],
  ['First', 0],
  ['Aggregate', 2],
  ['Count', 0],
  ['Max', 0],
  ['Min', 0],
  ['Sum', 0],
  ['Zip', 0],
  ['OrderBy', 1],
  ['Choose', 1],
]);
