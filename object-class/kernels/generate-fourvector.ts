import type { QueryType, RecordType } from '../../transformers/planner/query-type.js';
import type { FourVectorProperty } from '../../transformers/planner/typed-tree.js';
import { formatNumber, type Emitter } from './emitter.js';
import type { KernelBindings } from './kernel-bindings.js';
import { toCartesian, toPolar, type Val } from './kernel-values.js';

/** Builds a four-vector from a record with pt, eta, phi and mass (or `m`) fields. */
export function toFourVector(em: Emitter, record: Val, type: QueryType, b: KernelBindings): Val {
  if (record.v === 'polar' || record.v === 'cartesian') return record;
  const recordType = type as RecordType;
  const massName = recordType.fields.some((field) => field.name === 'mass') ? 'mass' : 'm';
  const names = ['pt', 'eta', 'phi', massName];

  if (record.v === 'row') {
    const [pt, eta, phi, mass] = names.map((name) =>
      b.fieldRead(record.collection, name, record.index),
    );
    return { v: 'polar', pt, eta, phi, mass };
  }

  const fields = (record as Extract<Val, { v: 'record' }>).fields;
  const [pt, eta, phi, mass] = names.map((name) => {
    const index = recordType.fields.findIndex((field) => field.name === name);
    return (fields[index] as Extract<Val, { v: 'scalar' }>).code;
  });
  return { v: 'polar', pt, eta, phi, mass };
}

/** Adds two four-vectors in Cartesian coordinates. */
export function fourVectorSum(em: Emitter, left: Val, right: Val): Val {
  const a = toCartesian(em, left);
  const c = toCartesian(em, right);
  return {
    v: 'cartesian',
    px: em.constant(`${a.px} + ${c.px}`),
    py: em.constant(`${a.py} + ${c.py}`),
    pz: em.constant(`${a.pz} + ${c.pz}`),
    e: em.constant(`${a.e} + ${c.e}`),
  };
}

/** Reads a property of a four-vector, computing it from whichever coordinates the value has. */
export function fourVectorProperty(em: Emitter, val: Val, property: FourVectorProperty): Val {
  const scalar = (expression: string): Val => ({ v: 'scalar', code: em.constant(expression) });
  if (
    val.v === 'polar' &&
    (property === 'pt' || property === 'eta' || property === 'phi' || property === 'mass')
  ) {
    return { v: 'scalar', code: val[property] };
  }
  if (val.v === 'polar' && property === 'pz') return scalar(`${val.pt} * Math.sinh(${val.eta})`);
  if (val.v === 'polar' && property === 'p') return scalar(`${val.pt} * Math.cosh(${val.eta})`);

  const c = toCartesian(em, val);
  const pt = (): string => em.constant(`Math.sqrt(${c.px} * ${c.px} + ${c.py} * ${c.py})`);
  const p = (): string =>
    em.constant(`Math.sqrt(${c.px} * ${c.px} + ${c.py} * ${c.py} + ${c.pz} * ${c.pz})`);
  switch (property) {
    case 'px':
      return { v: 'scalar', code: c.px };
    case 'py':
      return { v: 'scalar', code: c.py };
    case 'pz':
      return { v: 'scalar', code: c.pz };
    case 'E':
      return { v: 'scalar', code: c.e };
    case 'pt':
      return scalar(pt());
    case 'p':
      return scalar(p());
    case 'eta':
      return scalar(`Math.asinh(${c.pz} / ${pt()})`);
    case 'phi':
      return scalar(`Math.atan2(${c.py}, ${c.px})`);
    case 'mass': {
      const squared = `${c.e} * ${c.e} - ${c.px} * ${c.px} - ${c.py} * ${c.py} - ${c.pz} * ${c.pz}`;
      return scalar(`Math.sqrt(Math.max(0, ${squared}))`);
    }
    case 'Et':
      return scalar(`${c.e} * ${pt()} / ${p()}`);
    case 'mt':
      return scalar(`Math.sqrt(Math.max(0, ${c.e} * ${c.e} - ${c.pz} * ${c.pz}))`);
    case 'rapidity':
      return scalar(`0.5 * Math.log((${c.e} + ${c.pz}) / (${c.e} - ${c.pz}))`);
  }
}

const PI = formatNumber(Math.PI);
const TWO_PI = formatNumber(2 * Math.PI);

/** Computes deltaR, deltaphi (wrapped into [-pi, pi)) or deltaeta between two four-vectors. */
export function fourVectorDelta(
  em: Emitter,
  fn: 'deltaR' | 'deltaphi' | 'deltaeta',
  left: Val,
  right: Val,
): Val {
  const a = toPolar(em, left);
  const c = toPolar(em, right);
  const deta = (): string => em.constant(`${a.eta} - ${c.eta}`);
  const dphi = (): string => {
    const raw = em.constant(`${a.phi} - ${c.phi}`);
    return em.constant(`${raw} - ${TWO_PI} * Math.floor((${raw} + ${PI}) / ${TWO_PI})`);
  };

  if (fn === 'deltaeta') return { v: 'scalar', code: deta() };
  if (fn === 'deltaphi') return { v: 'scalar', code: dphi() };
  const x = deta();
  const y = dphi();
  return { v: 'scalar', code: em.constant(`Math.sqrt(${x} * ${x} + ${y} * ${y})`) };
}
