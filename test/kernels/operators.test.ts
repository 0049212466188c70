import {
  Bool,
  Field,
  Float32,
  Float64,
  Int32,
  Int64,
  List,
  Table,
  vectorFromArray,
  type DataType,
} from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { datasetSchemaFromArrow } from '../../object-class/dataset/schema.js';
import { compileKernel, type KernelResult } from '../../object-class/kernels/compile-kernel.js';
import { KernelError } from '../../object-class/kernels/kernel-error.js';
import { mergePartials } from '../../object-class/kernels/merge-partials.js';
import type { HistogramPartial, ScalarPartial } from '../../object-class/kernels/plan.js';
import { parseQuery } from '../../transformers/func-adl/parser.js';
import {
  planQuery,
  type OutputRequest,
  type PlanLimits,
} from '../../transformers/planner/plan-query.js';

const listOf = (type: DataType) => new List(new Field('item', type, true));

/** Three events with three, zero and one jets. */
function eventsTable(): Table {
  return new Table({
    MET_pt: vectorFromArray([10, 20, 30], new Float32()),
    MET_phi: vectorFromArray([0, 1, -1], new Float32()),
    nJet: vectorFromArray([3n, 0n, 1n], new Int64()),
    Jet_pt: vectorFromArray([[50, 20, 35], [], [40]], listOf(new Float64())),
    Jet_eta: vectorFromArray([[0.5, -1.5, 2], [], [0.1]], listOf(new Float64())),
    Jet_phi: vectorFromArray([[0, 1, 2], [], [3]], listOf(new Float64())),
    Jet_mass: vectorFromArray([[5, 3, 4], [], [6]], listOf(new Float64())),
    Jet_good: vectorFromArray([[true, false, true], [], [false]], listOf(new Bool())),
    Mu_charge: vectorFromArray([[1, -1], [1], []], listOf(new Int32())),
  });
}

function run(
  query: string,
  output: OutputRequest = { kind: 'rows' },
  table = eventsTable(),
  limits?: PlanLimits,
): KernelResult {
  const schema = datasetSchemaFromArrow(table.schema);
  const plan = planQuery(parseQuery(query), query, schema, output, limits);
  const kernelRun = compileKernel(plan, schema).start();
  for (const batch of table.batches) kernelRun.consume(batch);
  return kernelRun.finish();
}

/** Converts an Arrow cell to a plain value: bigints to numbers, lists to arrays. */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value && typeof value === 'object' && 'toArray' in value) {
    return Array.from((value as { toArray(): ArrayLike<unknown> }).toArray(), plain);
  }
  return value;
}

/** Runs a per-event query and returns column `col1` as plain values. */
function values(query: string, table?: Table): unknown[] {
  const rows = run(`Select(lambda e: ${query})`, { kind: 'rows' }, table).rows as Table;
  const column = rows.getChild('col1')!;
  return Array.from({ length: column.length }, (_, i) => plain(column.get(i)));
}

describe('kernel expressions', () => {
  it.each([
    ['e.MET_pt * 2 + 1', [21, 41, 61]],
    ['e.MET_pt // 7', [1, 2, 4]],
    ['(0 - e.MET_pt) % 7', [4, 1, 5]],
    ['e.MET_pt ** 2', [100, 400, 900]],
    ['-e.MET_pt / 4', [-2.5, -5, -7.5]],
    ['1 if 15 < e.MET_pt <= 30 else 0', [0, 1, 1]],
    ['1 if e.MET_pt > 15 and not e.MET_pt > 25 else 2', [2, 1, 2]],
    ['1 if e.MET_pt < 15 or e.MET_pt > 25 else 2', [1, 2, 1]],
    ['abs(e.MET_phi)', [0, 1, 1]],
    ['max(e.MET_pt, 15, e.MET_phi)', [15, 20, 30]],
    ['min(e.MET_pt, 15)', [10, 15, 15]],
    ['sqrt(e.MET_pt * 10)', [10, Math.sqrt(200), Math.sqrt(300)]],
    ['math.floor(e.MET_pt / 3)', [3, 6, 10]],
    ['np.hypot(3, e.MET_pt - e.MET_pt + 4)', [5, 5, 5]],
    ['math.atan2(e.MET_phi, 1)', [0, Math.atan2(1, 1), Math.atan2(-1, 1)]],
    ['math.cos(math.pi) + e.nJet', [2, -1, 0]],
    ['e.nJet', [3, 0, 1]],
  ])('%s', (query, expected) => {
    const actual = values(query) as number[];
    expected.forEach((value, i) => expect(actual[i]).toBeCloseTo(value, 5));
  });
});

describe('kernel sequence operators', () => {
  it.each([
    ['e.Jet.Count()', [3, 0, 1]],
    ['len(e.Jet_pt)', [3, 0, 1]],
    ['e.Jet.Where(lambda j: j.pt > 30).Count()', [2, 0, 1]],
    ['e.Jet.Count(lambda j: j.good)', [2, 0, 0]],
    ['e.Jet_pt.Sum()', [105, 0, 40]],
    ['sum(e.Jet_pt)', [105, 0, 40]],
    ['e.Jet.Sum(lambda j: j.mass)', [12, 0, 6]],
    ['e.Jet.Any(lambda j: j.eta > 1)', [true, false, false]],
    ['e.Jet.All(lambda j: j.pt > 30)', [false, true, true]],
    ['e.Jet_pt.Any()', [true, false, true]],
    ['e.Jet_pt.Contains(20)', [true, false, false]],
    ['40 in e.Jet_pt', [false, false, true]],
    ['40 not in e.Jet_pt', [true, true, false]],
    ['e.Jet_pt.Aggregate(1, lambda acc, x: acc * 2)', [8, 1, 2]],
    ['e.Jet_pt.Aggregate(0, lambda acc, x: acc + x / 2)', [52.5, 0, 20]],
    ['e.Mu_charge.Where(lambda q: q > 0).Count() + e.Jet.Count()', [4, 1, 1]],
    ['[e.MET_pt, 1, 2].Sum()', [13, 23, 33]],
    ['e.Jet_pt.Concat(e.Jet_eta).Count()', [6, 0, 2]],
    ['e.Jet.Choose(2).Count()', [3, 0, 0]],
    ['e.Jet.Choose(3).Count()', [1, 0, 0]],
    [
      'e.Jet.Choose(2).Select(lambda p: p[0].pt * p[1].pt).Sum()',
      [50 * 20 + 50 * 35 + 20 * 35, 0, 0],
    ],
    ['e.Jet.Choose(2).Select(lambda p: p.ElementAt(1).pt).Sum()', [20 + 35 + 35, 0, 0]],
    ['e.Jet_pt.Where(lambda x: x > 25).Choose(2).Count()', [1, 0, 0]],
    [
      'Zip({"a": e.Jet_pt, "b": e.Jet_mass}).Select(lambda r: r.a * r.b).Sum()',
      [250 + 60 + 140, 0, 240],
    ],
    ['e.Jet.Select(lambda j: {"x": j.pt}).Select(lambda d: d.x).Sum()', [105, 0, 40]],
    ['e.Jet.Select(lambda j: (j.pt, j.mass)).Select(lambda t: t[1]).Sum()', [12, 0, 6]],
  ])('%s', (query, expected) => {
    expect(values(query)).toEqual(expected);
  });

  it.each([
    ['e.Jet_pt', [[50, 20, 35], [], [40]]],
    ['e.Jet.Select(lambda j: j.pt).OrderBy(lambda x: x)', [[20, 35, 50], [], [40]]],
    ['e.Jet.OrderByDescending(lambda j: j.eta).Select(lambda j: j.pt)', [[35, 50, 20], [], [40]]],
    ['e.Jet.OrderBy(lambda j: j.pt).Select(lambda j: j.mass)', [[3, 4, 5], [], [6]]],
    ['e.Jet_pt.Select(lambda x: x * 2).Where(lambda x: x < 90)', [[40, 70], [], [80]]],
    ['e.Jet.SelectMany(lambda j: [j.pt, j.mass])', [[50, 5, 20, 3, 35, 4], [], [40, 6]]],
    ['e.Jet.Select(lambda j: j.good)', [[true, false, true], [], [false]]],
  ])('%s', (query, expected) => {
    expect(values(query)).toEqual(expected);
  });

  it.each([
    ['e.Jet_pt.First()', [50, 40]],
    ['e.Jet_pt.Last()', [35, 40]],
    ['e.Jet_pt[-1]', [35, 40]],
    ['e.Jet_pt.ElementAt(1 if e.nJet > 1 else 0)', [20, 40]],
    ['e.Jet_pt.Max()', [50, 40]],
    ['max(e.Jet_pt)', [50, 40]],
    ['e.Jet_pt.Min()', [20, 40]],
    ['e.Jet.First(lambda j: j.pt <= 40).mass', [3, 6]],
    ['e.Jet.Where(lambda j: j.pt > 10).Last().pt', [35, 40]],
    ['e.Jet.OrderBy(lambda j: abs(j.pt - 36)).First().pt', [35, 40]],
    ['e.Jet.OrderByDescending(lambda j: j.pt).First().mass', [5, 6]],
    ['e.Jet.OrderBy(lambda j: j.pt).Last().pt', [50, 40]],
  ])('%s on events with jets', (query, expected) => {
    const rows = run(`Where(lambda e: e.nJet > 0).Select(lambda e: ${query})`).rows as Table;
    expect(Array.from(rows.getChild('col1')!.toArray() as Float64Array)).toEqual(expected);
  });

  it('fails on First of an empty sequence', () => {
    expect(() => values('e.Jet_pt.First()')).toThrow(KernelError);
    expect(() => values('e.Jet_pt.First()')).toThrow(
      'First() at line 1, column 18 failed in event 1: the sequence is empty',
    );
  });

  it('fails on an index out of range', () => {
    expect(() => values('e.Jet_pt[2]')).toThrow('index 2 is out of range for 0 elements');
  });

  it('limits combinations per event', () => {
    const query = 'Select(lambda e: e.Jet.Choose(2).Count())';
    const limits = { maxCombinationsPerEvent: 2 };
    expect(() => run(query, { kind: 'rows' }, eventsTable(), limits)).toThrow(
      'Choose(2) at line 1, column 18 failed in event 0: 3 elements give more than the limit of 2 combinations of 2 per event',
    );
  });

  it('short-circuits and before an empty First', () => {
    expect(values('e.nJet > 0 and e.Jet_pt.First() > 45')).toEqual([true, false, false]);
  });
});

describe('kernel four-vectors', () => {
  const jet = { pt: 50, eta: 0.5, phi: 0, mass: 5 };
  const pz = jet.pt * Math.sinh(jet.eta);
  const energy = Math.sqrt((jet.pt * Math.cosh(jet.eta)) ** 2 + jet.mass ** 2);

  it.each([
    ['pt', 50],
    ['px', 50],
    ['py', 0],
    ['pz', pz],
    ['E', energy],
    ['e', energy],
    ['m', 5],
    ['p', jet.pt * Math.cosh(jet.eta)],
    ['Et', (energy * 50) / Math.hypot(50, pz)],
    ['mt', Math.sqrt(energy ** 2 - pz ** 2)],
    ['rapidity', 0.5 * Math.log((energy + pz) / (energy - pz))],
  ])('property %s', (property, expected) => {
    const actual = values(
      `e.Jet.First().ToFourMomentum().${property} if e.nJet > 0 else 0`,
    )[0] as number;
    expect(actual).toBeCloseTo(expected, 9);
  });

  it('adds four-vectors and computes the invariant mass', () => {
    const query =
      '(e.Jet[0].ToFourMomentum() + e.Jet[1].ToFourMomentum()).mass if e.nJet > 1 else 0';
    const a = [50, 0.5, 0, 5];
    const b = [20, -1.5, 1, 3];
    const p4 = (v: number[]) => [
      v[0] * Math.cos(v[2]),
      v[0] * Math.sin(v[2]),
      v[0] * Math.sinh(v[1]),
      Math.hypot(v[0] * Math.cosh(v[1]), v[3]),
    ];
    const s = p4(a).map((x, i) => x + p4(b)[i]);
    expect(values(query)[0]).toBeCloseTo(
      Math.sqrt(s[3] ** 2 - s[0] ** 2 - s[1] ** 2 - s[2] ** 2),
      9,
    );
  });

  it('wraps deltaphi into [-pi, pi)', () => {
    const query =
      'e.Jet[0].ToFourMomentum().deltaphi(e.Jet[2].ToFourMomentum()) if e.nJet > 2 else 0';
    expect(values(query)[0]).toBeCloseTo(-2, 12);
    const wrapped =
      'e.Jet[2].ToFourMomentum().deltaR({"pt": 1, "eta": 2, "phi": -3, "mass": 0}.ToFourMomentum()) if e.nJet > 2 else 0';
    expect(values(wrapped)[0]).toBeCloseTo(2 * Math.PI - 5, 12);
  });

  it('zips lists into four-momenta', () => {
    const query =
      'Zip({"pt": e.Jet_pt, "eta": e.Jet_eta, "phi": e.Jet_phi, "mass": e.Jet_mass}).ToFourMomenta().Select(lambda v: v.px).Sum()';
    expect(values(query)[2]).toBeCloseTo(40 * Math.cos(3), 12);
  });
});

describe('kernel outputs', () => {
  it('fills histograms with underflow, overflow and NaN', () => {
    const query = 'SelectMany(lambda e: [e.MET_pt - 15, e.MET_pt, e.MET_pt / 0 - e.MET_pt / 0])';
    const result = run(query, { kind: 'histogram', bins: 2, low: 0, high: 20 });
    const histogram = result.partial as HistogramPartial;
    expect(histogram.counts).toEqual([1, 1, 2, 2]);
    expect(histogram.nanCount).toBe(3);
  });

  it('fills weighted histograms', () => {
    const query = "Select(lambda e: {'x': e.Jet_pt, 'weight': e.MET_pt})";
    const histogram = run(query, { kind: 'histogram', bins: 1, low: 0, high: 45 })
      .partial as HistogramPartial;
    expect(histogram.counts).toEqual([0, 10 + 10 + 30, 10]);
  });

  it('folds top-level aggregates', () => {
    const aggregate = { kind: 'aggregate' } as const;
    const count = run('Where(lambda e: e.nJet > 0).Count()', aggregate);
    expect((count.partial as ScalarPartial).count).toBe(2);
    expect(count.eventsSelected).toBe(2);
    const sum = run('SelectMany(lambda e: e.Jet_pt).Sum()', aggregate).partial as ScalarPartial;
    expect(sum).toEqual({ kind: 'scalar', count: 4, sum: 145, min: 20, max: 50 });
    const max = run('Max(lambda e: e.MET_pt)', aggregate).partial as ScalarPartial;
    expect(max.max).toBe(30);
  });

  it('returns dict and tuple rows', () => {
    const rows = run("Select(lambda e: {'met': e.MET_pt, 'n': e.nJet, 'pts': e.Jet_pt})")
      .rows as Table;
    expect(rows.schema.fields.map((field) => field.name)).toEqual(['met', 'n', 'pts']);
    expect(String(rows.schema.fields[1].type)).toBe('Int64');
    expect(rows.getChild('pts')!.get(0)!.toArray()).toEqual(new Float64Array([50, 20, 35]));
    const tuples = run('Select(lambda e: (e.MET_pt, e.nJet > 0))').rows as Table;
    expect(tuples.schema.fields.map((field) => String(field.type))).toEqual(['Float64', 'Bool']);
  });

  it('merges partials', () => {
    const histogram = run('Select(lambda e: e.MET_pt)', {
      kind: 'histogram',
      bins: 2,
      low: 0,
      high: 40,
    }).partial;
    expect((mergePartials(histogram, histogram) as HistogramPartial).counts).toEqual([0, 2, 4, 0]);
    const scalar = run('Select(lambda e: e.MET_pt).Min()', { kind: 'aggregate' }).partial;
    expect(mergePartials(scalar, { kind: 'scalar', count: 1, sum: 5, min: 5, max: 5 })).toEqual({
      kind: 'scalar',
      count: 4,
      sum: 65,
      min: 5,
      max: 30,
    });
  });

  it('limits result rows', () => {
    expect(() =>
      run('SelectMany(lambda e: e.Jet_pt)', { kind: 'rows' }, eventsTable(), { maxResultRows: 3 }),
    ).toThrow('The rows output passed the limit of 3 rows in event 2 (maxResultRows)');
  });
});

describe('kernel batches', () => {
  it('reads sliced batches', () => {
    const table = eventsTable();
    const sliced = new Table([...table.slice(1, 3).batches]);
    expect(values('e.Jet_pt.Sum() + e.MET_pt', sliced)).toEqual([20, 70]);
    expect(values('e.Jet.Select(lambda j: j.good).Count(lambda g: not g)', sliced)).toEqual([0, 1]);
  });

  it('reads several batches', () => {
    const table = eventsTable();
    const split = new Table([...table.slice(0, 1).batches, ...table.slice(1).batches]);
    const result = run('Select(lambda e: e.Jet_pt.Sum())', { kind: 'rows' }, split);
    expect(result.eventsScanned).toBe(3);
    expect(Array.from(result.rows!.getChild('col1')!.toArray() as Float64Array)).toEqual([
      105, 0, 40,
    ]);
  });

  it('skips events with a null scalar and reads null list values as NaN', () => {
    const table = new Table({
      MET_pt: vectorFromArray([10, null, 30], new Float64()),
      Jet_pt: vectorFromArray([[1, null], [2], [3]], listOf(new Float64())),
    });
    const result = run('Select(lambda e: e.MET_pt + e.Jet_pt.Sum())', { kind: 'rows' }, table);
    expect(Array.from(result.rows!.getChild('col1')!.toArray() as Float64Array)).toEqual([NaN, 33]);
    expect(result.eventsScanned).toBe(3);
    expect(result.eventsSelected).toBe(2);
  });

  it('rejects flat lists of one collection with different lengths', () => {
    const table = new Table({
      Jet_pt: vectorFromArray([[1, 2]], listOf(new Float64())),
      Jet_eta: vectorFromArray([[1]], listOf(new Float64())),
    });
    expect(() => values('e.Jet.Select(lambda j: j.pt + j.eta)', table)).toThrow(
      "Lists 'Jet_pt' and 'Jet_eta' of collection 'Jet' differ in length in event 0",
    );
  });
});
