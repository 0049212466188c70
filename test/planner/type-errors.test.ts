import { describe, expect, it } from 'vitest';
import type { DatasetSchema } from '../../object-class/dataset/schema.js';
import { parseQuery } from '../../transformers/func-adl/parser.js';
import { QuerySyntaxError } from '../../transformers/func-adl/query-syntax-error.js';
import { planQuery } from '../../transformers/planner/plan-query.js';

const f32 = { kind: 'primitive', name: 'float32' } as const;
const list = (name: 'float32' | 'int32' | 'bool') =>
  ({ kind: 'list', element: { kind: 'primitive', name } }) as const;

/** A small flat NanoAOD-style schema: MET, a jet collection with a counter, muons, a string. */
const schema: DatasetSchema = {
  fields: [
    { name: 'MET_pt', type: f32 },
    { name: 'MET_phi', type: f32 },
    { name: 'nJet', type: { kind: 'primitive', name: 'int64' } },
    { name: 'Jet_pt', type: list('float32') },
    { name: 'Jet_eta', type: list('float32') },
    { name: 'Jet_phi', type: list('float32') },
    { name: 'Jet_mass', type: list('float32') },
    { name: 'Jet_puId', type: list('bool') },
    { name: 'Muon_pt', type: list('float32') },
    { name: 'Muon_charge', type: list('int32') },
    { name: 'name', type: { kind: 'primitive', name: 'utf8' } },
  ],
};

const HISTOGRAM = { kind: 'histogram', bins: 10, low: 0, high: 1 } as const;

function planError(query: string): QuerySyntaxError {
  try {
    planQuery(parseQuery(query), query, schema, HISTOGRAM);
  } catch (error) {
    if (error instanceof QuerySyntaxError) return error;
    throw error;
  }
  throw new Error(`Query ${query} was accepted`);
}

/** Query, exact message, 1-based column of the reported position. */
const CASES: [string, string, number][] = [
  ['Select(lambda e: e.MET_ptt)', "Unknown column 'MET_ptt'; did you mean 'MET_pt'?", 20],
  ["Select(lambda e: e['MET_ptt'])", "Unknown column 'MET_ptt'; did you mean 'MET_pt'?", 20],
  [
    'Select(lambda e: e.Jet.Select(lambda j: j.ptt))',
    "Unknown field 'ptt' of record Jet; did you mean 'pt'?",
    43,
  ],
  [
    'Select(lambda e: e.MET_pt.pt)',
    "Type float has no attribute 'pt'; attributes exist on events, records and four-vectors",
    27,
  ],
  [
    'Where(lambda e: e.MET_pt).Select(lambda e: e.MET_pt)',
    "Where needs a lambda that returns bool; this one returns float: compare it, as in 'x > 0'",
    19,
  ],
  [
    'Select(lambda e: e.Jet.Sum())',
    'Sum needs a sequence of numbers; got sequence<record Jet>; select a number first, as in Sum(lambda x: x.pt)',
    24,
  ],
  [
    'Select(lambda e: e.Jet.Selct(lambda j: j.pt))',
    "Unknown operator 'Selct'; did you mean 'Select'?",
    24,
  ],
  [
    'Select(lambda e: e.Jet.Where(lambda j: j.pt).Count())',
    "Where needs a lambda that returns bool; this one returns float: compare it, as in 'x > 0'",
    42,
  ],
  ['Select(lambda e: x.MET_pt)', "Unknown name 'x'; did you mean 'e'?", 18],
  ['Select(lambda e, f: e.MET_pt)', 'Select needs a lambda with 1 parameter; this lambda has 2', 8],
  ['Select(e.MET_pt)', "Select needs a lambda with 1 parameter, as in 'Select(lambda x: ...)'", 10],
  [
    'Select(lambda e: e.MET_pt + e.Jet)',
    "Operator '+' is not defined for float and sequence<record Jet>",
    18,
  ],
  [
    'Select(lambda e: e.MET_pt > 1 and e.MET_pt)',
    "Operand of 'and' must be bool; got float: compare it, as in 'x > 0'",
    37,
  ],
  ['Select(lambda e: not e.MET_pt)', "Operator 'not' needs bool; got float", 18],
  [
    'Select(lambda e: e.MET_pt if e.MET_pt else 0)',
    "Condition of an if-else expression must be bool; got float: compare it, as in 'x > 0'",
    32,
  ],
  [
    "Select(lambda e: 'abc')",
    "String 'abc' cannot be used as a value; strings may only be dict keys and column names in e['name']",
    18,
  ],
  [
    'Select(lambda e: None)',
    'None is not supported; queries work on numbers, bools and records',
    18,
  ],
  [
    'Select(lambda e: e.Jet.Choose(2).Select(lambda p: p[2].pt))',
    'Index 2 is out of range for a tuple of 2 elements',
    53,
  ],
  [
    'Select(lambda e: e.Jet.Choose(2).Select(lambda p: p[e.nJet].pt))',
    'Index of a tuple must be an integer literal, as in p[0]',
    55,
  ],
  [
    'Select(lambda e: e.MET_pt[0])',
    'Type float cannot be indexed; only sequences, tuples and records can',
    27,
  ],
  ['Select(lambda e: e[0])', "Index of event must be a name in quotes, as in e['MET_pt']", 20],
  [
    'Select(lambda e: {1: e.MET_pt})',
    "Dict keys must be strings in quotes, as in {'pt': j.pt}",
    19,
  ],
  [
    "Select(lambda e: {'a': e.MET_pt, 'a': e.MET_phi})",
    "Dict key 'a' appears twice; give each value its own key",
    34,
  ],
  [
    'Select(lambda e: e.Muon.Select(lambda m: m.ToFourMomentum()))',
    "ToFourMomentum() needs numeric fields pt, eta, phi and mass, but it has no field 'eta' in record Muon",
    44,
  ],
  ['Select(lambda e: e.MET_pt.deltaR(e.MET_pt))', "Type float has no method 'deltaR'", 27],
  [
    'Select(lambda e: e.Jet.Concat(e.Muon))',
    'Concat needs two sequences of one element type; got sequence<record Jet> and sequence<record Muon>: Select dicts with the same keys from both first',
    33,
  ],
  [
    "Select(lambda e: Zip({'pt': e.MET_pt}))",
    "Zip() needs a sequence of values for key 'pt'; got float",
    31,
  ],
  [
    'OrderBy(lambda e: e.MET_pt).Select(lambda e: e.MET_pt)',
    'OrderBy cannot apply to the sequence of events, because storage nodes scan events in independent parts; apply it to a collection inside a lambda, as in e.Jet.OrderBy(...)',
    1,
  ],
  [
    'Select(lambda e: e.Jet.Choose(0))',
    'Choose needs an integer literal from 1 to 8, as in Choose(2)',
    31,
  ],
  [
    'Select(lambda e: e.Jet.Choose(e.nJet))',
    'Choose needs an integer literal from 1 to 8, as in Choose(2)',
    33,
  ],
  ['Select(lambda e: sqr(e.MET_pt))', "Unknown function 'sqr'; did you mean 'sqrt'?", 18],
  ['Select(lambda e: math.sqr(e.MET_pt))', "Unknown function 'math.sqr'; did you mean 'sqrt'?", 23],
  ['Select(lambda e: math.atan2(e.MET_pt))', 'math.atan2() takes 2 arguments; got 1', 23],
  ['Select(lambda e: abs(e.Jet))', 'abs() needs a number; got sequence<record Jet>', 24],
  ['Select(lambda e: len(e.MET_pt))', 'len() needs a sequence; got float', 18],
  [
    'Select(lambda e: e.Jet.First().pt > e.Jet)',
    "Cannot compare float with sequence<record Jet> using '>'; only numbers can be ordered",
    39,
  ],
  [
    'Select(lambda e: e.Jet.Count(lambda j: j.pt))',
    'Count needs a lambda that returns bool; this one returns float',
    42,
  ],
  [
    'Select(lambda e: e.Jet.Select(lambda j: j.pt).OrderBy(lambda x: x > 1))',
    'OrderBy needs a lambda that returns a number; this one returns bool',
    65,
  ],
  [
    'Select(lambda e: e.Jet.SelectMany(lambda j: j.pt))',
    'SelectMany needs a lambda that returns a sequence; this one returns float',
    47,
  ],
  [
    'Select(lambda e: e.Jet_pt.Max(lambda j: j > 0))',
    'Max needs a sequence of numbers; got sequence<bool>',
    27,
  ],
  [
    'Select(lambda e: e.MET_pt).Count().Select(lambda x: x)',
    'Count cannot apply to the sequence of events except as the last operator, because storage nodes scan events in independent parts; apply it to a collection inside a lambda, as in e.Jet.Count(...)',
    28,
  ],
  [
    'Select(lambda e: e.Jet)',
    "A histogram needs numbers, but the query returns sequence<record Jet>; return a number, a list of numbers, a dict with one key, or {'x': value, 'weight': weight}",
    1,
  ],
  [
    'Select(lambda e: e.name)',
    "Column 'name' cannot be read: 'name' is a string column, which skysift cannot scan",
    20,
  ],
  [
    'Select(lambda e: e.Jet_pt.Aggregate(0, lambda a, x: a > x))',
    "Aggregate needs a lambda that returns the seed's type int; this one returns bool",
    53,
  ],
  [
    'Select(lambda e: e.MET_pt, x=1)',
    "Keyword argument 'x' is not supported; pass it by position",
    30,
  ],
  ['Select(lambda e: e.Jet_pt.ElementAt(1.5))', 'ElementAt needs an int index; got float', 37],
  ['Select(lambda e: e.Jets())', "Type event has no method 'Jets'", 20],
  [
    'Select(lambda e: e.Jet())',
    "'Jet' is a column, not a method; write e.Jet without parentheses",
    20,
  ],
  ['Select(lambda e: e.MET_pt in e.Jet)', 'Cannot look for float in sequence<record Jet>', 20],
  [
    'Select(lambda e: [e.MET_pt, e.Jet])',
    'List elements must have one type; got float and sequence<record Jet>',
    31,
  ],
  [
    'Select(lambda e: [])',
    'An empty list has no element type; leave it out or filter with Where',
    18,
  ],
  [
    'Select(lambda e: lambda x: x)',
    'A lambda can only be the argument of an operator such as Select, Where or OrderBy',
    18,
  ],
  [
    'Select(lambda e: e.Jet.First().ToFourMomentum().mas)',
    "Unknown four-vector property 'mas'; did you mean 'mass'?",
    49,
  ],
  [
    'Select(lambda e: e.Jet.First() == e.Muon.First())',
    "Cannot compare record Jet with record Muon using '=='; compare two values of one type",
    42,
  ],
  [
    'Select(lambda e: e.MET_pt < True)',
    "Cannot compare float with bool using '<'; only numbers can be ordered",
    29,
  ],
  [
    'Select(lambda e: math)',
    "'math' is a module; call one of its functions, as in math.sqrt(x)",
    18,
  ],
  [
    'Select(lambda e: math.tau)',
    "Unknown constant 'math.tau'; the constants are pi, e and inf, and functions are called as math.sqrt(x)",
    23,
  ],
  ["EventDataset('x')", 'The query has no operators; add one, as in Select(lambda e: e.MET_pt)', 1],
  [
    'Select(lambda e: e.Jet_puId)',
    "A histogram needs numbers, but the query returns sequence<bool>; return a number, a list of numbers, a dict with one key, or {'x': value, 'weight': weight}",
    1,
  ],
];

describe('type checker errors', () => {
  it.each(CASES)('rejects %s', (query, message, column) => {
    const error = planError(query);
    expect(error.message).toBe(message);
    expect(error.position.column).toBe(column);
    expect(error.position.line).toBe(1);
  });

  it('positions errors on later lines', () => {
    const error = planError('Select(lambda e:\n  e.Jet.Select(lambda j: j.ptt))');
    expect(error.position.line).toBe(2);
    expect(error.position.column).toBe(28);
  });

  it('accepts a valid query', () => {
    const query = 'Select(lambda e: e.Jet.Where(lambda j: j.pt > 40).Count())';
    expect(() => planQuery(parseQuery(query), query, schema, HISTOGRAM)).not.toThrow();
  });
});
