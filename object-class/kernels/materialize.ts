import type { QueryType } from '../../transformers/planner/query-type.js';
import type { TypedExpr, TypedLambda } from '../../transformers/planner/typed-tree.js';
import type { Emitter } from './emitter.js';
import { applyLambda, code, generate, type Env } from './generate-expression.js';
import { seqOf } from './generate-sequence.js';
import type { KernelBindings } from './kernel-bindings.js';
import {
  layoutOf,
  slotCodes,
  valFromSlots,
  type IndexedSeq,
  type Layout,
  type Seq,
  type Val,
} from './kernel-values.js';

/** Initial length of a scratch buffer; buffers double when an event needs more. */
const INITIAL_SCRATCH_LENGTH = 16;

interface Scratch {
  buffers: string[];
  length: string;
  layout: Layout;
  type: QueryType;
  boolSlots: boolean[];
}

/**
 * Copies every element of `seq` into kernel-level scratch buffers, one Float64Array per scalar
 * slot, and returns random access to the copy. The buffers live as long as the kernel, so the
 * copy allocates only when an event has more elements than any before it.
 */
export function materialize(
  em: Emitter,
  seq: Seq,
  type: QueryType,
  key?: (em: Emitter, element: Val) => string,
): IndexedSeq & { keys?: string } {
  const layout = layoutOf(type);
  const slots = boolSlotsOf(layout, type);
  const buffers = slots.map(() => scratchBuffer(em));
  const keys = key ? scratchBuffer(em) : undefined;
  const all = keys ? [...buffers, keys] : buffers;
  const length = em.fresh('n');
  em.line(`let ${length} = 0;`);

  seq.forEach(em, (inner, element) => {
    const codes = slotCodes(inner, layout, element);
    if (key && keys) codes.push(inner.constant(key(inner, element)));
    inner.block(`if (${length} === ${all[0]}.length)`, () => {
      for (const buffer of all) inner.line(`${buffer} = rt.grow(${buffer});`);
    });
    all.forEach((buffer, i) => inner.line(`${buffer}[${length}] = ${codes[i]};`));
    inner.line(`${length}++;`);
  });

  const scratch: Scratch = { buffers, length, layout, type, boolSlots: slots };
  return { length: () => length, at: (_inner, index) => readScratch(scratch, index), keys };
}

function scratchBuffer(em: Emitter): string {
  const name = em.fresh('b');
  em.prelude.push(`let ${name} = new Float64Array(${INITIAL_SCRATCH_LENGTH});`);
  return name;
}

function readScratch(scratch: Scratch, index: string): Val {
  const codes = scratch.buffers.map((buffer, i) =>
    scratch.boolSlots[i] ? `(${buffer}[${index}] !== 0)` : `${buffer}[${index}]`,
  );
  return valFromSlots(scratch.layout, scratch.type, codes);
}

/** Marks which slots of a layout hold bools, which buffers store as 0 and 1. */
function boolSlotsOf(layout: Layout, type: QueryType): boolean[] {
  switch (layout.l) {
    case 'scalar':
      return [type.kind === 'bool'];
    case 'row':
      return [false];
    case 'fourvector':
      return [false, false, false, false];
    case 'group': {
      const types =
        type.kind === 'record'
          ? type.fields.map((f) => f.type)
          : (type as Extract<QueryType, { kind: 'tuple' }>).elements;
      return layout.parts.flatMap((part, i) => boolSlotsOf(part, types[i]));
    }
  }
}

/**
 * Generates `OrderBy(key)` or `OrderByDescending(key)`: copies the elements and their keys into
 * scratch buffers, sorts an index buffer stably by key (NaN keys last), and reads the elements
 * through it.
 */
export function sortedSeq(
  em: Emitter,
  node: Extract<TypedExpr, { op: 'sequence' }>,
  env: Env,
  b: KernelBindings,
): Seq {
  const source = seqOf(generate(em, node.source, env, b));
  const type = (node.type as Extract<QueryType, { kind: 'sequence' }>).element;
  const lambda = node.lambda as TypedLambda;
  const descending = node.operator === 'OrderByDescending';

  const prepare = (inner: Emitter) => {
    const copy = materialize(inner, source, type, (loop, element) =>
      code(applyLambda(loop, lambda, [element], env, b)),
    );
    const order = inner.fresh('b');
    inner.prelude.push(`let ${order} = new Int32Array(${INITIAL_SCRATCH_LENGTH});`);
    const length = copy.length(inner);
    inner.line(`if (${order}.length < ${length}) ${order} = new Int32Array(2 * ${length});`);
    inner.line(`rt.sortIndices(${order}, ${copy.keys}, ${length}, ${descending});`);
    return { length, order, copy };
  };

  return {
    forEach(inner, body) {
      const { length, order, copy } = prepare(inner);
      const i = inner.fresh('i');
      inner.block(`for (let ${i} = 0; ${i} < ${length}; ${i}++)`, () =>
        body(inner, copy.at(inner, `${order}[${i}]`)),
      );
    },
    indexed: (inner) => {
      const { length, order, copy } = prepare(inner);
      return {
        length: () => length,
        at: (loop, index) => copy.at(loop, loop.constant(`${order}[${index}]`)),
      };
    },
  };
}
