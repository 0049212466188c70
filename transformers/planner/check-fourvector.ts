import type { Expr } from '../func-adl/ast.js';
import type { CheckContext } from './check-context.js';
import { didYouMean } from './suggest-names.js';
import {
  FLOAT,
  FOURVECTOR,
  formatType,
  isNumber,
  recordField,
  type RecordType,
} from './query-type.js';
import type { FourVectorProperty, TypedExpr } from './typed-tree.js';

/** Four-vector attributes and the property each one reads; `m` and `e` are aliases. */
const PROPERTIES: ReadonlyMap<string, FourVectorProperty> = new Map([
  ['pt', 'pt'],
  ['eta', 'eta'],
  ['phi', 'phi'],
  ['mass', 'mass'],
  ['m', 'mass'],
  ['M', 'mass'],
  ['px', 'px'],
  ['py', 'py'],
  ['pz', 'pz'],
  ['E', 'E'],
  ['e', 'E'],
  ['energy', 'E'],
  ['p', 'p'],
  ['Et', 'Et'],
  ['mt', 'mt'],
  ['rapidity', 'rapidity'],
] as [string, FourVectorProperty][]);

/** Four-vector methods taking another four-vector. */
export const FOURVECTOR_METHODS: ReadonlyMap<string, 'deltaR' | 'deltaphi' | 'deltaeta'> = new Map([
  ['deltaR', 'deltaR'],
  ['deltaphi', 'deltaphi'],
  ['deltaeta', 'deltaeta'],
] as [string, 'deltaR' | 'deltaphi' | 'deltaeta'][]);

/** Fields a record needs for ToFourMomentum(): the polar coordinates pt, eta, phi and mass. */
const POLAR_FIELDS = ['pt', 'eta', 'phi', 'mass'];

/** Resolves `v.name` on a four-vector. */
export function checkFourVectorProperty(
  context: CheckContext,
  object: TypedExpr,
  name: string,
  node: Expr,
): TypedExpr {
  const property = PROPERTIES.get(name);
  if (!property) {
    const hint = didYouMean(name, [...PROPERTIES.keys(), ...FOURVECTOR_METHODS.keys()]);
    return context.fail(node, `Unknown four-vector property '${name}'${hint}`);
  }
  return { op: 'fourVectorProperty', object, property, type: FLOAT, span: node.span };
}

/**
 * Checks `r.ToFourMomentum()`: the record needs numeric fields pt, eta, phi and mass (or `m`).
 * The result is a record literal of those four fields marked as a four-vector.
 */
export function checkToFourMomentum(
  context: CheckContext,
  object: TypedExpr,
  node: Expr,
): TypedExpr {
  if (object.type.kind === 'fourvector') return object;
  if (object.type.kind !== 'record') {
    return context.fail(
      node,
      `ToFourMomentum() needs a record with pt, eta, phi and mass; got ${formatType(object.type)}`,
    );
  }

  const record = object.type;
  for (const field of POLAR_FIELDS) {
    const name =
      field === 'mass' && !recordField(record, 'mass') && recordField(record, 'm') ? 'm' : field;
    const type = recordField(record, name);
    if (!type || !isNumber(type)) {
      const problem = type ? `field '${name}' is ${formatType(type)}` : `it has no field '${name}'`;
      context.fail(
        node,
        `ToFourMomentum() needs numeric fields pt, eta, phi and mass, but ${problem} in ${formatType(record)}`,
      );
    }
  }
  return { op: 'toFourVector', record: object, type: FOURVECTOR, span: node.span };
}

/** Returns the field name that contains the mass of `record`: `mass`, or `m` when only that exists. */
export function massFieldName(record: RecordType): string {
  return recordField(record, 'mass') ? 'mass' : 'm';
}

/** Checks `a.deltaR(b)`, `a.deltaphi(b)` or `a.deltaeta(b)` between two four-vectors. */
export function checkFourVectorMethod(
  context: CheckContext,
  object: TypedExpr,
  fn: 'deltaR' | 'deltaphi' | 'deltaeta',
  args: TypedExpr[],
  node: Expr,
): TypedExpr {
  if (args.length !== 1) {
    context.fail(node, `${fn}() takes one four-vector argument; got ${args.length} arguments`);
  }
  let other = args[0];
  if (other.type.kind === 'record') other = checkToFourMomentum(context, other, node);
  if (other.type.kind !== 'fourvector') {
    context.fail(node, `${fn}() needs a four-vector argument; got ${formatType(other.type)}`);
  }
  return { op: 'fourVectorDelta', fn, left: object, right: other, type: FLOAT, span: node.span };
}
