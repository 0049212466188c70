import type { QueryType } from '../../transformers/planner/query-type.js';
import type { Emitter } from './emitter.js';

/**
 * A value while generating code. Scalars are JavaScript expressions that are cheap and safe to
 * repeat: a local, a literal or an array read. Records, tuples and four-vectors exist only at
 * generation time as groups of scalars, so the generated loops allocate no objects.
 */
export type Val =
  | { v: 'scalar'; code: string }
  | { v: 'row'; collection: string; index: string }
  | { v: 'record'; fields: Val[] }
  | { v: 'tuple'; items: Val[] }
  | { v: 'polar'; pt: string; eta: string; phi: string; mass: string }
  | { v: 'cartesian'; px: string; py: string; pz: string; e: string }
  | { v: 'seq'; seq: Seq }
  | { v: 'event' };

/**
 * A sequence as a code generator: `forEach` writes a loop (or several, or none for a list
 * literal) that runs `body` once per element. `indexed`, where present, gives random access.
 */
export interface Seq {
  forEach(em: Emitter, body: (em: Emitter, element: Val) => void): void;
  /** Writes any preparation (such as a sort) and returns access valid in the current scope. */
  indexed?: (em: Emitter) => IndexedSeq;
}

/** Random access into a sequence whose length is known before the loop. */
export interface IndexedSeq {
  length(em: Emitter): string;
  at(em: Emitter, index: string): Val;
}

/** Storage plan of a type in locals or scratch buffers, with one slot per scalar. */
export type Layout =
  | { l: 'scalar' }
  | { l: 'row'; collection: string }
  | { l: 'fourvector' }
  | { l: 'group'; parts: Layout[] };

/** Thrown for query shapes the generator does not support; the planner reports it. */
export class UnsupportedQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedQueryError';
  }
}

/** Works out the layout of `type`; sequences have none, because they cannot be stored. */
export function layoutOf(type: QueryType): Layout {
  switch (type.kind) {
    case 'int':
    case 'float':
    case 'bool':
      return { l: 'scalar' };
    case 'record':
      if (type.collection !== undefined) return { l: 'row', collection: type.collection };
      return { l: 'group', parts: type.fields.map((field) => layoutOf(field.type)) };
    case 'tuple':
      return { l: 'group', parts: type.elements.map(layoutOf) };
    case 'fourvector':
      return { l: 'fourvector' };
    default:
      throw new UnsupportedQueryError(
        `Values of type ${type.kind} cannot be stored, so this query cannot be run; ` +
          'avoid sorting, choosing from or taking First() of sequences of sequences',
      );
  }
}

/** Counts the scalar slots of a layout. */
export function slotCount(layout: Layout): number {
  if (layout.l === 'fourvector') return 4;
  if (layout.l === 'group') return layout.parts.reduce((sum, part) => sum + slotCount(part), 0);
  return 1;
}

/** Lists the scalar codes of `val` in layout order, converting four-vectors to polar form. */
export function slotCodes(em: Emitter, layout: Layout, val: Val): string[] {
  switch (layout.l) {
    case 'scalar':
      return [(val as Extract<Val, { v: 'scalar' }>).code];
    case 'row':
      return [(val as Extract<Val, { v: 'row' }>).index];
    case 'fourvector': {
      const polar = toPolar(em, val);
      return [polar.pt, polar.eta, polar.phi, polar.mass];
    }
    case 'group': {
      const parts = val.v === 'record' ? val.fields : (val as Extract<Val, { v: 'tuple' }>).items;
      return layout.parts.flatMap((part, i) => slotCodes(em, part, parts[i]));
    }
  }
}

/** Rebuilds a value from its slot codes, for reading back locals or buffers. */
export function valFromSlots(layout: Layout, type: QueryType, codes: string[], start = 0): Val {
  switch (layout.l) {
    case 'scalar':
      return { v: 'scalar', code: codes[start] };
    case 'row':
      return { v: 'row', collection: layout.collection, index: codes[start] };
    case 'fourvector':
      return {
        v: 'polar',
        pt: codes[start],
        eta: codes[start + 1],
        phi: codes[start + 2],
        mass: codes[start + 3],
      };
    case 'group': {
      const types =
        type.kind === 'record'
          ? type.fields.map((f) => f.type)
          : (type as Extract<QueryType, { kind: 'tuple' }>).elements;
      const parts: Val[] = [];
      let offset = start;
      layout.parts.forEach((part, i) => {
        parts.push(valFromSlots(part, types[i], codes, offset));
        offset += slotCount(part);
      });
      return type.kind === 'record' ? { v: 'record', fields: parts } : { v: 'tuple', items: parts };
    }
  }
}

/** Declares `let` locals for a value of `type` and returns them with the value that reads them. */
export function declareLocals(
  em: Emitter,
  type: QueryType,
): { names: string[]; val: Val; layout: Layout } {
  const layout = layoutOf(type);
  const names = Array.from({ length: slotCount(layout) }, () => em.fresh('x'));
  em.line(`let ${names.map((name) => `${name} = 0`).join(', ')};`);
  return { names, val: valFromSlots(layout, type, names), layout };
}

/** Assigns `val` to locals made by `declareLocals`. */
export function assignLocals(em: Emitter, layout: Layout, names: string[], val: Val): void {
  const codes = slotCodes(em, layout, val);
  names.forEach((name, i) => em.line(`${name} = ${codes[i]};`));
}

/** Converts a four-vector value to polar coordinates (pt, eta, phi, mass). */
export function toPolar(em: Emitter, val: Val): Extract<Val, { v: 'polar' }> {
  if (val.v === 'polar') return val;
  const { px, py, pz, e } = val as Extract<Val, { v: 'cartesian' }>;
  const pt = em.constant(`Math.sqrt(${px} * ${px} + ${py} * ${py})`);
  return {
    v: 'polar',
    pt,
    eta: em.constant(`Math.asinh(${pz} / ${pt})`),
    phi: em.constant(`Math.atan2(${py}, ${px})`),
    mass: em.constant(`Math.sqrt(Math.max(0, ${e} * ${e} - ${pt} * ${pt} - ${pz} * ${pz}))`),
  };
}

/** Converts a four-vector value to Cartesian coordinates (px, py, pz, E). */
export function toCartesian(em: Emitter, val: Val): Extract<Val, { v: 'cartesian' }> {
  if (val.v === 'cartesian') return val;
  const { pt, eta, phi, mass } = val as Extract<Val, { v: 'polar' }>;
  const pz = em.constant(`${pt} * Math.sinh(${eta})`);
  const p = em.constant(`${pt} * Math.cosh(${eta})`);
  return {
    v: 'cartesian',
    px: em.constant(`${pt} * Math.cos(${phi})`),
    py: em.constant(`${pt} * Math.sin(${phi})`),
    pz,
    e: em.constant(`Math.sqrt(${p} * ${p} + ${mass} * ${mass})`),
  };
}
