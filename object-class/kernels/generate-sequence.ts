import type { QueryType } from '../../transformers/planner/query-type.js';
import type { TypedExpr, TypedLambda } from '../../transformers/planner/typed-tree.js';
import { formatNumber, type Emitter } from './emitter.js';
import { applyLambda, code, compareValues, generate, type Env } from './generate-expression.js';
import { materialize, sortedSeq } from './materialize.js';
import type { KernelBindings } from './kernel-bindings.js';
import {
  assignLocals,
  declareLocals,
  slotCodes,
  type IndexedSeq,
  type Seq,
  type Val,
} from './kernel-values.js';

type SequenceNode = Extract<TypedExpr, { op: 'sequence' }>;

/** Reads the sequence out of a value. */
export function seqOf(val: Val): Seq {
  return (val as Extract<Val, { v: 'seq' }>).seq;
}

function elementType(node: TypedExpr): QueryType {
  return (node.type as Extract<QueryType, { kind: 'sequence' }>).element;
}

/** Generates sequence sources, operators and aggregates. */
export function generateSequenceNode(
  em: Emitter,
  node: TypedExpr,
  env: Env,
  b: KernelBindings,
): Val {
  switch (node.op) {
    case 'collection':
      return {
        v: 'seq',
        seq: collectionSeq(b, node.collection, (index) => ({
          v: 'row',
          collection: node.collection,
          index,
        })),
      };
    case 'jagged':
      return {
        v: 'seq',
        seq: collectionSeq(b, node.collection, (index) => ({
          v: 'scalar',
          code: b.fieldRead(node.collection, node.field, index),
        })),
      };
    case 'collectionCount': {
      const offsets = b.offsets(node.collection);
      return { v: 'scalar', code: `(${offsets}[ev + 1] - ${offsets}[ev])` };
    }
    case 'list':
      return { v: 'seq', seq: listSeq(node.values, env, b) };
    case 'zip':
      return { v: 'seq', seq: zipSeq(em, node, env, b) };
    case 'concat':
      return {
        v: 'seq',
        seq: concatSeq(
          seqOf(generate(em, node.left, env, b)),
          seqOf(generate(em, node.right, env, b)),
        ),
      };
    case 'choose':
      return { v: 'seq', seq: chooseSeq(em, node, env, b) };
    case 'elementAt':
      return generateElementAt(em, node, env, b);
    case 'contains':
      return generateContains(em, node, env, b);
    case 'aggregate':
      return generateAggregate(em, node, env, b);
    case 'sequence':
      return generateOperator(em, node, env, b);
    default:
      throw new Error(`Typed node '${node.op}' has no code generator`);
  }
}

function collectionSeq(
  b: KernelBindings,
  collection: string,
  element: (index: string) => Val,
): Seq {
  const offsets = b.offsets(collection);
  return {
    forEach(em, body) {
      const i = em.fresh('i');
      em.block(
        `for (let ${i} = ${offsets}[ev], ${i}end = ${offsets}[ev + 1]; ${i} < ${i}end; ${i}++)`,
        () => body(em, element(i)),
      );
    },
    indexed: () => ({
      length: () => `(${offsets}[ev + 1] - ${offsets}[ev])`,
      at: (em, index) => element(em.constant(`${offsets}[ev] + ${index}`)),
    }),
  };
}

function listSeq(values: TypedExpr[], env: Env, b: KernelBindings): Seq {
  return {
    forEach(em, body) {
      for (const value of values) body(em, generate(em, value, env, b));
    },
  };
}

/** Returns random access to `seq`, copying it into scratch buffers when it has none. */
export function indexedOf(em: Emitter, seq: Seq, type: QueryType): IndexedSeq {
  return seq.indexed ? seq.indexed(em) : materialize(em, seq, type);
}

function zipSeq(
  em: Emitter,
  node: Extract<TypedExpr, { op: 'zip' }>,
  env: Env,
  b: KernelBindings,
): Seq {
  const site = b.addSite('Zip', node.span);
  return {
    forEach(inner, body) {
      const parts = node.values.map((value) =>
        indexedOf(inner, seqOf(generate(inner, value, env, b)), elementType(value)),
      );
      const length = inner.constant(parts[0].length(inner));
      for (const part of parts.slice(1)) {
        inner.line(
          `if (${part.length(inner)} !== ${length}) rt.lengthMismatch(${site}, base + ev, ${length}, ${part.length(inner)});`,
        );
      }
      const i = inner.fresh('i');
      inner.block(`for (let ${i} = 0; ${i} < ${length}; ${i}++)`, () =>
        body(inner, { v: 'record', fields: parts.map((part) => part.at(inner, i)) }),
      );
    },
  };
}

function concatSeq(left: Seq, right: Seq): Seq {
  return {
    forEach(em, body) {
      left.forEach(em, body);
      right.forEach(em, body);
    },
  };
}

function chooseSeq(
  em: Emitter,
  node: Extract<TypedExpr, { op: 'choose' }>,
  env: Env,
  b: KernelBindings,
): Seq {
  const source = seqOf(generate(em, node.source, env, b));
  const site = b.addSite(`Choose(${node.size})`, node.span);
  const maxLength = b.maxChooseLength(node.size);
  return {
    forEach(inner, body) {
      const indexed = indexedOf(inner, source, elementType(node.source));
      const length = inner.constant(indexed.length(inner));
      inner.line(
        `if (${length} > ${formatNumber(maxLength)}) rt.tooManyCombinations(${site}, base + ev, ${length});`,
      );
      nestedLoops(inner, node.size, length, [], (innermost, indices) =>
        body(innermost, {
          v: 'tuple',
          items: indices.map((index) => indexed.at(innermost, index)),
        }),
      );
    },
  };
}

function nestedLoops(
  em: Emitter,
  depth: number,
  length: string,
  indices: string[],
  body: (em: Emitter, indices: string[]) => void,
): void {
  if (indices.length === depth) {
    body(em, indices);
    return;
  }
  const i = em.fresh('i');
  const start = indices.length ? `${indices[indices.length - 1]} + 1` : '0';
  em.block(`for (let ${i} = ${start}; ${i} < ${length}; ${i}++)`, () =>
    nestedLoops(em, depth, length, [...indices, i], body),
  );
}

function generateElementAt(
  em: Emitter,
  node: Extract<TypedExpr, { op: 'elementAt' }>,
  env: Env,
  b: KernelBindings,
): Val {
  const source = seqOf(generate(em, node.source, env, b));
  const position = code(generate(em, node.index, env, b));
  const indexed = indexedOf(em, source, elementType(node.source));
  const length = em.constant(indexed.length(em));
  const site = b.addSite('ElementAt', node.span);

  // A negative index counts from the end, as in Python.
  const index = em.constant(`${position} < 0 ? ${position} + ${length} : ${position}`);
  em.line(
    `if (!(${index} >= 0 && ${index} < ${length})) rt.indexOutOfRange(${site}, base + ev, ${position}, ${length});`,
  );
  return indexed.at(em, index);
}

function generateContains(
  em: Emitter,
  node: Extract<TypedExpr, { op: 'contains' }>,
  env: Env,
  b: KernelBindings,
): Val {
  const value = generate(em, node.value, env, b);
  const source = seqOf(generate(em, node.source, env, b));
  return searchSequence(em, source, true, (inner, element) =>
    compareValues(inner, '==', element, value, node.value.type),
  );
}

/** Writes `found = any(test(x))` (or `all` when `expected` is false) with an early exit. */
function searchSequence(
  em: Emitter,
  source: Seq,
  expected: boolean,
  test: (em: Emitter, element: Val) => string,
): Val {
  const result = em.fresh('t');
  const label = em.fresh('L');
  em.line(`let ${result} = ${!expected};`);
  em.block(`${label}:`, () =>
    source.forEach(em, (inner, element) => {
      const condition = test(inner, element);
      inner.block(`if (${expected ? '' : '!'}${condition})`, () => {
        inner.line(`${result} = ${expected};`);
        inner.line(`break ${label};`);
      });
    }),
  );
  return { v: 'scalar', code: result };
}

function generateAggregate(
  em: Emitter,
  node: Extract<TypedExpr, { op: 'aggregate' }>,
  env: Env,
  b: KernelBindings,
): Val {
  const seed = generate(em, node.seed, env, b);
  const source = seqOf(generate(em, node.source, env, b));
  const acc = declareLocals(em, node.type);
  assignLocals(em, acc.layout, acc.names, seed);

  source.forEach(em, (inner, element) => {
    const next = applyLambda(inner, node.lambda, [acc.val, element], env, b);
    // Copy first, so no slot reads an accumulator slot that was already overwritten.
    const copies = slotCodes(inner, acc.layout, next).map((slot) => inner.constant(slot));
    acc.names.forEach((name, i) => inner.line(`${name} = ${copies[i]};`));
  });
  return acc.val;
}

function generateOperator(em: Emitter, node: SequenceNode, env: Env, b: KernelBindings): Val {
  const lambda = node.lambda;
  switch (node.operator) {
    case 'Select':
      return { v: 'seq', seq: mapSeq(em, node, env, b) };
    case 'Where':
      return {
        v: 'seq',
        seq: filterSeq(seqOf(generate(em, node.source, env, b)), lambda as TypedLambda, env, b),
      };
    case 'SelectMany':
      return {
        v: 'seq',
        seq: flatMapSeq(seqOf(generate(em, node.source, env, b)), lambda as TypedLambda, env, b),
      };
    case 'OrderBy':
    case 'OrderByDescending':
      return { v: 'seq', seq: sortedSeq(em, node, env, b) };
    case 'Count':
      return generateCount(em, node, env, b);
    case 'Sum':
      return generateSum(em, node, env, b);
    case 'Min':
    case 'Max':
      return generateMinMax(em, node, env, b);
    case 'Any':
    case 'All':
      return generateAnyAll(em, node, env, b);
    case 'First':
    case 'Last':
      return generateFirstLast(em, node, env, b);
  }
}

function mapSeq(em: Emitter, node: SequenceNode, env: Env, b: KernelBindings): Seq {
  const source = seqOf(generate(em, node.source, env, b));
  const lambda = node.lambda as TypedLambda;
  const indexed = source.indexed;
  return {
    forEach(inner, body) {
      source.forEach(inner, (loop, element) =>
        body(loop, applyLambda(loop, lambda, [element], env, b)),
      );
    },
    indexed:
      indexed &&
      ((prepare) => {
        const access = indexed(prepare);
        return {
          length: (inner) => access.length(inner),
          at: (inner, index) => applyLambda(inner, lambda, [access.at(inner, index)], env, b),
        };
      }),
  };
}

function filterSeq(source: Seq, lambda: TypedLambda, env: Env, b: KernelBindings): Seq {
  return {
    forEach(em, body) {
      source.forEach(em, (inner, element) => {
        const keep = code(applyLambda(inner, lambda, [element], env, b));
        inner.block(`if (${keep})`, () => body(inner, element));
      });
    },
  };
}

function flatMapSeq(source: Seq, lambda: TypedLambda, env: Env, b: KernelBindings): Seq {
  return {
    forEach(em, body) {
      source.forEach(em, (inner, element) =>
        seqOf(applyLambda(inner, lambda, [element], env, b)).forEach(inner, body),
      );
    },
  };
}

/** Applies an optional predicate, running `body` only for elements that pass. */
function whenMatches(
  em: Emitter,
  lambda: TypedLambda | undefined,
  element: Val,
  env: Env,
  b: KernelBindings,
  body: () => void,
): void {
  if (!lambda) {
    body();
    return;
  }
  const keep = code(applyLambda(em, lambda, [element], env, b));
  em.block(`if (${keep})`, body);
}

function generateCount(em: Emitter, node: SequenceNode, env: Env, b: KernelBindings): Val {
  const source = seqOf(generate(em, node.source, env, b));
  if (!node.lambda && source.indexed)
    return { v: 'scalar', code: em.constant(source.indexed(em).length(em)) };

  const count = em.fresh('t');
  em.line(`let ${count} = 0;`);
  source.forEach(em, (inner, element) =>
    whenMatches(inner, node.lambda, element, env, b, () => inner.line(`${count}++;`)),
  );
  return { v: 'scalar', code: count };
}

function generateSum(em: Emitter, node: SequenceNode, env: Env, b: KernelBindings): Val {
  const source = seqOf(generate(em, node.source, env, b));
  const sum = em.fresh('t');
  em.line(`let ${sum} = 0;`);
  source.forEach(em, (inner, element) => inner.line(`${sum} += ${code(element)};`));
  return { v: 'scalar', code: sum };
}

function generateMinMax(em: Emitter, node: SequenceNode, env: Env, b: KernelBindings): Val {
  const source = seqOf(generate(em, node.source, env, b));
  const isMin = node.operator === 'Min';
  const best = em.fresh('t');
  const count = em.fresh('n');
  em.line(`let ${best} = ${isMin ? 'Infinity' : '-Infinity'}, ${count} = 0;`);
  source.forEach(em, (inner, element) => {
    const value = code(element);
    inner.line(`${count}++;`);
    inner.line(`if (${value} ${isMin ? '<' : '>'} ${best}) ${best} = ${value};`);
  });
  const site = b.addSite(node.operator, node.span);
  em.line(`if (${count} === 0) rt.emptySequence(${site}, base + ev);`);
  return { v: 'scalar', code: best };
}

function generateAnyAll(em: Emitter, node: SequenceNode, env: Env, b: KernelBindings): Val {
  const source = seqOf(generate(em, node.source, env, b));
  const lambda = node.lambda;
  if (!lambda) {
    return searchSequence(em, source, true, () => 'true');
  }
  const expected = node.operator === 'Any';
  return searchSequence(em, source, expected, (inner, element) =>
    code(applyLambda(inner, lambda, [element], env, b)),
  );
}

function generateFirstLast(em: Emitter, node: SequenceNode, env: Env, b: KernelBindings): Val {
  const site = b.addSite(`${node.operator}()`, node.span);
  const sourceNode = node.source;
  const isFirst = node.operator === 'First';

  if (isFirst && !node.lambda && sourceNode.op === 'sequence' && isOrderBy(sourceNode.operator)) {
    return generateArgBest(em, sourceNode, site, env, b);
  }

  const source = seqOf(generate(em, sourceNode, env, b));
  if (!node.lambda && source.indexed) {
    const access = source.indexed(em);
    const length = em.constant(access.length(em));
    em.line(`if (${length} === 0) rt.emptySequence(${site}, base + ev);`);
    return access.at(em, isFirst ? '0' : em.constant(`${length} - 1`));
  }

  const found = em.fresh('t');
  const label = em.fresh('L');
  const stored = declareLocals(em, node.type);
  em.line(`let ${found} = false;`);
  em.block(`${label}:`, () =>
    source.forEach(em, (inner, element) =>
      whenMatches(inner, node.lambda, element, env, b, () => {
        assignLocals(inner, stored.layout, stored.names, element);
        inner.line(`${found} = true;`);
        if (isFirst) inner.line(`break ${label};`);
      }),
    ),
  );
  em.line(`if (!${found}) rt.emptySequence(${site}, base + ev);`);
  return stored.val;
}

function isOrderBy(operator: string): boolean {
  return operator === 'OrderBy' || operator === 'OrderByDescending';
}

/**
 * `OrderBy(key).First()` without sorting: one pass keeps the first element with the smallest
 * key (largest for OrderByDescending). NaN keys sort last, so they win only when all are NaN.
 */
function generateArgBest(
  em: Emitter,
  orderBy: SequenceNode,
  site: number,
  env: Env,
  b: KernelBindings,
): Val {
  const source = seqOf(generate(em, orderBy.source, env, b));
  const descending = orderBy.operator === 'OrderByDescending';
  const stored = declareLocals(em, elementType(orderBy));
  const found = em.fresh('t');
  const bestKey = em.fresh('k');
  em.line(`let ${found} = false, ${bestKey} = NaN;`);

  source.forEach(em, (inner, element) => {
    const key = inner.constant(
      code(applyLambda(inner, orderBy.lambda as TypedLambda, [element], env, b)),
    );
    const better = `${key} ${descending ? '>' : '<'} ${bestKey}`;
    const replacesNaN = `(${bestKey} !== ${bestKey} && ${key} === ${key})`;
    inner.block(`if (!${found} || ${better} || ${replacesNaN})`, () => {
      assignLocals(inner, stored.layout, stored.names, element);
      inner.line(`${found} = true;`);
      inner.line(`${bestKey} = ${key};`);
    });
  });
  em.line(`if (!${found}) rt.emptySequence(${site}, base + ev);`);
  return stored.val;
}
