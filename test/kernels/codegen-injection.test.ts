import {
  Field,
  Float64,
  List,
  Struct,
  Table,
  makeData,
  makeVector,
  vectorFromArray,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { datasetSchemaFromArrow } from '../../object-class/dataset/schema.js';
import { compileKernel, type Kernel } from '../../object-class/kernels/compile-kernel.js';
import { formatNumber } from '../../object-class/kernels/emitter.js';
import { parseQuery } from '../../transformers/func-adl/parser.js';
import { QuerySyntaxError } from '../../transformers/func-adl/query-syntax-error.js';
import { planQuery } from '../../transformers/planner/plan-query.js';

const HOSTILE = `');process.exit(1)//`;
const TEMPLATE = '`${process.exit(2)}`';

function float64(values: number[]) {
  return makeData({
    type: new Float64(),
    length: values.length,
    nullCount: 0,
    data: Float64Array.from(values),
  });
}

/** Builds a table whose column and field names are code fragments and JavaScript object keys. */
function hostileTable(): Table {
  const struct = new Struct([
    new Field('__proto__', new Float64()),
    new Field(TEMPLATE, new Float64()),
  ]);
  return new Table({
    [HOSTILE]: vectorFromArray([1, 2], new Float64()),
    constructor: vectorFromArray([3, 4], new Float64()),
    toString: vectorFromArray([[5], [6, 7]], new List(new Field('item', new Float64()))),
    X: makeVector(
      makeData({
        type: struct,
        length: 2,
        nullCount: 0,
        children: [float64([8, 10]), float64([9, 11])],
      }),
    ),
  });
}

function compile(query: string, table: Table): Kernel {
  const schema = datasetSchemaFromArrow(table.schema);
  const plan = planQuery(parseQuery(query), query, schema, { kind: 'rows' });
  return compileKernel(plan, schema);
}

function rowsOf(kernel: Kernel, table: Table): Table {
  const run = kernel.start();
  for (const batch of table.batches) run.consume(batch);
  return run.finish().rows as Table;
}

/** Generated source may hold no string, template or escape: nothing a name could hide in. */
function expectNoStrings(source: string): void {
  const body = source.replace("'use strict';", '');
  expect(body).not.toMatch(/['"`\\]/);
  expect(body).not.toContain('process');
}

describe('code generation with hostile names', () => {
  it('rejects unknown hostile column names in type checking', () => {
    const query = `Select(lambda e: e["${HOSTILE}"])`;
    expect(() =>
      compile(query, new Table({ MET_pt: vectorFromArray([1], new Float64()) })),
    ).toThrow(QuerySyntaxError);
    expect(() =>
      compile(query, new Table({ MET_pt: vectorFromArray([1], new Float64()) })),
    ).toThrow(`Unknown column '${HOSTILE}'`);
  });

  it('reads hostile column names as data', () => {
    const table = hostileTable();
    const kernel = compile(
      `Select(lambda e: e["${HOSTILE}"] + e.constructor + e.toString.Sum())`,
      table,
    );
    expectNoStrings(kernel.source);
    expect(Array.from(rowsOf(kernel, table).getChild('col1')!.toArray() as Float64Array)).toEqual([
      9, 19,
    ]);
  });

  it('reads hostile struct field names as data', () => {
    const table = hostileTable();
    const kernel = compile(`Select(lambda e: e.X.__proto__ + e.X["${TEMPLATE}"])`, table);
    expectNoStrings(kernel.source);
    expect(Array.from(rowsOf(kernel, table).getChild('col1')!.toArray() as Float64Array)).toEqual([
      17, 21,
    ]);
  });

  it('keeps hostile dict keys as column names only', () => {
    const table = hostileTable();
    const keys = [`a'b"c`, TEMPLATE, '__proto__', 'constructor', '${x}'];
    const dict = keys.map((key, i) => `${JSON.stringify(key)}: e.constructor + ${i}`).join(', ');
    const kernel = compile(`Select(lambda e: {${dict}})`, table);
    expectNoStrings(kernel.source);

    const rows = rowsOf(kernel, table);
    expect(rows.schema.fields.map((field) => field.name)).toEqual(keys);
    keys.forEach((key, i) => {
      expect(Array.from(rows.getChild(key)!.toArray() as Float64Array)).toEqual([3 + i, 4 + i]);
    });
  });

  it('accepts hostile lambda parameter names', () => {
    const table = hostileTable();
    const kernel = compile(
      'Select(lambda constructor: constructor.toString.Select(lambda __proto__: __proto__ * 2).Sum())',
      table,
    );
    expectNoStrings(kernel.source);
    expect(Array.from(rowsOf(kernel, table).getChild('col1')!.toArray() as Float64Array)).toEqual([
      10, 26,
    ]);
  });

  it('rejects names that exist only on Object.prototype', () => {
    const table = new Table({ MET_pt: vectorFromArray([1], new Float64()) });
    for (const name of ['constructor', '__proto__', 'hasOwnProperty']) {
      expect(() => compile(`Select(lambda e: e.${name})`, table)).toThrow(
        `Unknown column '${name}'`,
      );
    }
    expect(() => compile('Select(lambda e: e.MET.__proto__)', table)).toThrow(QuerySyntaxError);
  });

  it('rejects strings as values', () => {
    const table = new Table({ MET_pt: vectorFromArray([1], new Float64()) });
    expect(() => compile(`Select(lambda e: "${HOSTILE}")`, table)).toThrow(
      'cannot be used as a value',
    );
    expect(() => compile(`Where(lambda e: e.MET_pt == "x").Select(lambda e: 1)`, table)).toThrow(
      QuerySyntaxError,
    );
  });

  it('formats only numbers as constants', () => {
    expect(formatNumber(-1.5)).toBe('(-1.5)');
    expect(formatNumber(1e300)).toBe('1e+300');
    expect(formatNumber(Number.NaN)).toBe('NaN');
    expect(() => formatNumber(HOSTILE as unknown as number)).toThrow(TypeError);
  });
});
