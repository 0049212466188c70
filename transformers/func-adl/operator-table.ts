/**
 * Binding strength and associativity of the Python operators that func_adl queries use, from
 * lowest to highest as in the Python language reference: lambda, conditional, `or`, `and`,
 * `not`, comparisons, `|`, `^`, `&`, (shifts,) `+ -`, `* / // %`, unary `- + ~`, `**`.
 */
/** Precedence levels. Shifts (level 10) have no node kind, so no operator uses that level. */
export const PRECEDENCE = {
  or: 3,
  and: 4,
  not: 5,
  compare: 6,
  bitwiseOr: 7,
  bitwiseXor: 8,
  bitwiseAnd: 9,
  additive: 11,
  multiplicative: 12,
  unary: 13,
  power: 14,
} as const;

export type InfixKind = 'boolop' | 'compare' | 'binary';

/** Table entry for one binary operator. */
export interface InfixOperator {
  kind: InfixKind;
  precedence: number;
  associativity: 'left' | 'right';
}

function infix(kind: InfixKind, precedence: number, associativity: 'left' | 'right' = 'left') {
  return { kind, precedence, associativity };
}

/** Binary operators by token text. The `not` entry is for `not in`, and `is` for `is` and `is not`. */
export const INFIX_OPERATORS: ReadonlyMap<string, InfixOperator> = new Map([
  ['or', infix('boolop', PRECEDENCE.or)],
  ['and', infix('boolop', PRECEDENCE.and)],
  ['<', infix('compare', PRECEDENCE.compare)],
  ['<=', infix('compare', PRECEDENCE.compare)],
  ['>', infix('compare', PRECEDENCE.compare)],
  ['>=', infix('compare', PRECEDENCE.compare)],
  ['==', infix('compare', PRECEDENCE.compare)],
  ['!=', infix('compare', PRECEDENCE.compare)],
  ['in', infix('compare', PRECEDENCE.compare)],
  ['not', infix('compare', PRECEDENCE.compare)],
  ['is', infix('compare', PRECEDENCE.compare)],
  ['|', infix('binary', PRECEDENCE.bitwiseOr)],
  ['^', infix('binary', PRECEDENCE.bitwiseXor)],
  ['&', infix('binary', PRECEDENCE.bitwiseAnd)],
  ['+', infix('binary', PRECEDENCE.additive)],
  ['-', infix('binary', PRECEDENCE.additive)],
  ['*', infix('binary', PRECEDENCE.multiplicative)],
  ['/', infix('binary', PRECEDENCE.multiplicative)],
  ['//', infix('binary', PRECEDENCE.multiplicative)],
  ['%', infix('binary', PRECEDENCE.multiplicative)],
  ['**', infix('binary', PRECEDENCE.power, 'right')],
]);

/** Python operators that have no node kind in the query tree. */
export const UNSUPPORTED_OPERATORS: ReadonlySet<string> = new Set(['<<', '>>', '@', ':=', '->']);
