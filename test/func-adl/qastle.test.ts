import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Expr } from '../../transformers/func-adl/ast.js';
import { formatQuery } from '../../transformers/func-adl/format-query.js';
import { parseAnyQuery } from '../../transformers/func-adl/parse-any-query.js';
import { parseQuery } from '../../transformers/func-adl/parser.js';
import { parseQastle, toQastle } from '../../transformers/func-adl/qastle.js';
import { QuerySyntaxError } from '../../transformers/func-adl/query-syntax-error.js';
import { normalizeForQastle, treeArbitrary } from './tree-arbitrary.js';
import { stripSpans, type Bare } from './tree-builders.js';

const bare = (tree: Expr) => stripSpans(tree) as Bare;

/** qastle text and the Python-form text that must give the same tree. */
const equivalents: [qastle: string, python: string][] = [
  ['e', 'e'],
  ['1', '1'],
  ['1.5', '1.5'],
  ['.5', '.5'],
  ['1e3', '1e3'],
  ['-1', '-1'],
  ['+1', '1'],
  ['-2.5e-3', '-2.5e-3'],
  ["'abc'", "'abc'"],
  ['"abc"', "'abc'"],
  ["'it\\'s'", '"it\'s"'],
  ["'a\\nb'", "'a\\nb'"],
  ['True', 'True'],
  ['False', 'False'],
  ['None', 'None'],
  ["(attr e 'MET_pt')", 'e.MET_pt'],
  ["(attr (attr e 'MET') 'pt')", 'e.MET.pt'],
  ["(subscript e 'Jet_pt')", "e['Jet_pt']"],
  ['(subscript x 0)', 'x[0]'],
  ['(call f)', 'f()'],
  ['(call f a b)', 'f(a, b)'],
  ["(call (attr np 'cos') x)", 'np.cos(x)'],
  ["(call EventDataset 'x')", "EventDataset('x')"],
  ['(call Select src lam)', 'Select(src, lam)'],
  ["(call (attr src 'Select') lam)", 'src.Select(lam)'],
  ['(Select src lam)', 'src.Select(lam)'],
  ['(Where src f)', 'src.Where(f)'],
  ['(SelectMany src f)', 'src.SelectMany(f)'],
  ['(First src)', 'src.First()'],
  ['(Aggregate src 0 f)', 'src.Aggregate(0, f)'],
  ['(Count src)', 'src.Count()'],
  ['(Max src)', 'src.Max()'],
  ['(Min src)', 'src.Min()'],
  ['(Sum src)', 'src.Sum()'],
  ['(Zip src)', 'src.Zip()'],
  ['(OrderBy src f)', 'src.OrderBy(f)'],
  ['(Choose src 3)', 'src.Choose(3)'],
  ['(lambda (list e) e)', 'lambda e: e'],
  ['(lambda (list a b) (+ a b))', 'lambda a, b: a + b'],
  ['(lambda (list) 1)', 'lambda: 1'],
  ['(list)', '[]'],
  ['(list a b)', '[a, b]'],
  ["(dict (list 'a' 'b') (list x y))", "{'a': x, 'b': y}"],
  ['(dict (list) (list))', '{}'],
  ['(if c a b)', 'a if c else b'],
  ['(and a b)', 'a and b'],
  ['(or a b)', 'a or b'],
  ['(and (and a b) c)', 'a and b and c'],
  ['(and a (and b c))', 'a and (b and c)'],
  ['(or (and a b) c)', 'a and b or c'],
  ['(not x)', 'not x'],
  ['(~ x)', '~x'],
  ['(- x)', '-x'],
  ['(+ x)', '+x'],
  ['(+ a b)', 'a + b'],
  ['(- a b)', 'a - b'],
  ['(* a b)', 'a * b'],
  ['(/ a b)', 'a / b'],
  ['(// a b)', 'a // b'],
  ['(% a b)', 'a % b'],
  ['(** a b)', 'a ** b'],
  ['(& a b)', 'a & b'],
  ['(| a b)', 'a | b'],
  ['(^ a b)', 'a ^ b'],
  ['(== a b)', 'a == b'],
  ['(!= a b)', 'a != b'],
  ['(< a b)', 'a < b'],
  ['(<= a b)', 'a <= b'],
  ['(> a b)', 'a > b'],
  ['(>= a b)', 'a >= b'],
  ['(** -2 2)', '(-2) ** 2'],
  ['(- (** 2 2))', '-2 ** 2'],
  ['( Select\n\t src\r\n  lam )', 'src.Select(lam)'],
  [
    "(Select (call EventDataset 'x') (lambda (list e) (attr e 'MET_pt')))",
    "EventDataset('x').Select(lambda e: e.MET_pt)",
  ],
  [
    "(SelectMany (call EventDataset 'x') (lambda (list e) (Select (Where (attr e 'Jet') (lambda (list j) (< (call abs (attr j 'eta')) 1))) (lambda (list j) (attr j 'pt')))))",
    "EventDataset('x').SelectMany(lambda e: e.Jet.Where(lambda j: abs(j.eta) < 1).Select(lambda j: j.pt))",
  ],
  [
    "(Select (Where (call EventDataset 'x') (lambda (list e) (>= (Count (Where (attr e 'Jet') (lambda (list j) (> (attr j 'pt') 40)))) 2))) (lambda (list e) (attr e 'MET_pt')))",
    "EventDataset('x').Where(lambda e: e.Jet.Where(lambda j: j.pt > 40).Count() >= 2).Select(lambda e: e.MET_pt)",
  ],
  [
    "(Select src (lambda (list e) (dict (list 'pt' 'eta') (list (attr e 'Jet_pt') (attr e 'Jet_eta')))))",
    "src.Select(lambda e: {'pt': e.Jet_pt, 'eta': e.Jet_eta})",
  ],
];

describe('parseQastle', () => {
  it.each(equivalents)('%s', (qastle, python) => {
    expect(bare(parseQastle(qastle))).toEqual(bare(parseQuery(python)));
  });

  it('gives the shorthand call the span of its s-expression', () => {
    const tree = parseQastle('(Select src lam)');
    expect(tree.span.start.column).toBe(1);
    expect(tree.span.end.column).toBe(17);
  });

  it('spans a negative number from its sign', () => {
    const tree = parseQastle('(list  -12)');
    if (tree.kind !== 'list') throw new Error('expected a list');
    const element = tree.elements[0];
    if (element.kind !== 'unary') throw new Error('expected a unary node');
    expect([element.span.start.column, element.span.end.column]).toEqual([8, 11]);
    expect([element.operand.span.start.column, element.operand.span.end.column]).toEqual([9, 11]);
  });

  it('tracks lines', () => {
    const tree = parseQastle("(attr\n  e\n  'pt')");
    if (tree.kind !== 'attribute') throw new Error('expected an attribute');
    expect([tree.object.span.start.line, tree.object.span.start.column]).toEqual([2, 3]);
    expect([tree.span.end.line, tree.span.end.column]).toEqual([3, 8]);
  });
});

const qastleErrors: [text: string, message: string, line: number, column: number][] = [
  ['', 'Empty query, expected a qastle expression', 1, 1],
  ['(', "Expected a node type after '(', found end of query", 1, 2],
  ['(attr e', "Expected ')' to close '(' at line 1, column 1, found end of query", 1, 8],
  ['(list a))', "Unexpected ')' after the end of the qastle expression", 1, 9],
  ['(list a) b', "Unexpected 'b' after the end of the qastle expression", 1, 10],
  [')', "Unexpected ')', expected a qastle expression", 1, 1],
  ['(() a)', "Expected a node type after '(', found '('", 1, 2],
  ['(frobnicate a)', "Unknown qastle node type 'frobnicate'", 1, 2],
  ['(attr e pt)', 'Attribute name must be a string literal, found name', 1, 9],
  ["(attr e 'a' 'b')", "'attr' node must have exactly 2 fields, found 3", 1, 2],
  ['(subscript x)', "'subscript' node must have exactly 2 fields, found 1", 1, 2],
  ['(call)', "'call' node must have at least 1 field, found 0", 1, 2],
  ['(if a b)', "'if' node must have exactly 3 fields, found 2", 1, 2],
  ['(lambda e e)', "Lambda parameters must be a '(list ...)' of names, found name", 1, 9],
  ['(lambda (list 1) e)', 'Lambda parameter must be a name, found number', 1, 15],
  ['(lambda (list a a) a)', "Duplicate lambda parameter 'a'", 1, 17],
  ['(dict a (list))', "'dict' fields must be '(list ...)' nodes, found name", 1, 7],
  ["(dict (list 'a') (list))", "'dict' node has 1 keys but 0 values, give one value per key", 1, 2],
  ['(Select src)', "'Select' node must have exactly 2 fields, found 1", 1, 2],
  ['(Count src x)', "'Count' node must have exactly 1 field, found 2", 1, 2],
  ['(not a b)', "'not' node must have exactly 1 field, found 2", 1, 2],
  ['(and a)', "'and' node must have exactly 2 fields, found 1", 1, 2],
  ['(+ a b c)', "'+' node must have exactly 2 fields, found 3", 1, 2],
  ['(< a)', "'<' node must have exactly 2 fields, found 1", 1, 2],
  ["(list 'abc)", 'Unterminated string literal', 1, 7],
  ['(list 1.2.3)', "Invalid number literal '1.2.3'", 1, 7],
  ['(list -1x)', "Invalid number literal '1x'", 1, 8],
  [
    "(list '\\x4')",
    "Invalid escape sequence '\\x4', expected 2 hexadecimal digits after '\\x'",
    1,
    8,
  ],
  ['(list e.pt)', "Invalid qastle atom 'e.pt', expected a name, number or string", 1, 7],
  ['(list lambda)', "Reserved word 'lambda' cannot be a name, use it only as a node type", 1, 7],
  ['(<< a b)', "Unknown qastle node type '<<'", 1, 2],
  ['(list\n  (attr e))', "'attr' node must have exactly 2 fields, found 1", 2, 4],
];

describe('parseQastle errors', () => {
  it.each(qastleErrors)('%j', (text, message, line, column) => {
    let thrown: unknown;
    try {
      parseQastle(text);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(QuerySyntaxError);
    const error = thrown as QuerySyntaxError;
    expect(error.message).toBe(message);
    expect([error.position.line, error.position.column]).toEqual([line, column]);
  });

  it('rejects nesting over the depth limit', () => {
    expect(() => parseQastle('(list '.repeat(10_000))).toThrow(
      'Query nesting is deeper than the limit of 64 levels, simplify the query or raise the maxDepth option (--max-nesting-depth)',
    );
  });

  it('rejects text over the byte limit', () => {
    expect(() => parseQastle('(list a)', { maxQueryBytes: 4 })).toThrow(
      'Query is 8 bytes, over the limit of 4 bytes',
    );
  });
});

describe('toQastle', () => {
  const printed: [python: string, qastle: string][] = [
    [
      "EventDataset('x').Select(lambda e: e.MET_pt)",
      "(Select (call EventDataset 'x') (lambda (list e) (attr e 'MET_pt')))",
    ],
    ['Select(src, f)', '(call Select src f)'],
    ['src.Select(a, b)', "(call (attr src 'Select') a b)"],
    ['e.Jet.Count()', "(Count (attr e 'Jet'))"],
    ['e.Jet.Choose(3)', "(Choose (attr e 'Jet') 3)"],
    ['x.Aggregate(0, lambda a, j: a + j)', '(Aggregate x 0 (lambda (list a j) (+ a j)))'],
    ["{'a': x}", "(dict (list 'a') (list x))"],
    ['(a, b)', '(list a b)'],
    ['a < b <= c', '(and (< a b) (<= b c))'],
    ['a and b and c', '(and (and a b) c)'],
    ['-1', '-1'],
    ['-x', '(- x)'],
    ['-(-1)', '(- -1)'],
    ['1.0', '1.0'],
    ['1e20', '100000000000000000000.0'],
    ['1e21', '1e+21'],
    ['12345678901234567890', '12345678901234567168'],
    ['"it\'s"', '"it\'s"'],
    ["'a\\nb'", "'a\\nb'"],
    ["e['pt']", "(subscript e 'pt')"],
    ['a if b else c', '(if b a c)'],
    ['not a', '(not a)'],
  ];

  it.each(printed)('%s', (python, qastle) => {
    expect(toQastle(parseQuery(python))).toBe(qastle);
  });

  it('rejects keyword arguments', () => {
    expect(() => toQastle(parseQuery('f(x=1)'))).toThrow(
      new TypeError("Keyword argument 'x' has no qastle form, pass it positionally"),
    );
  });

  it.each(['a in b', 'a not in b'])('rejects %s', (python) => {
    expect(() => toQastle(parseQuery(python))).toThrow(TypeError);
  });

  it('round-trips ADL queries', () => {
    for (const [, python] of equivalents) {
      const tree = parseQuery(python);
      expect(bare(parseQastle(toQastle(tree)))).toEqual(normalizeForQastle(bare(tree)));
    }
  });

  it('round-trips random trees', () => {
    fc.assert(
      fc.property(treeArbitrary({ pythonOnly: false }), (tree) => {
        const text = toQastle(tree as unknown as Expr);
        expect(bare(parseQastle(text, { maxDepth: 1000 }))).toEqual(normalizeForQastle(tree));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps tuples only as lists', () => {
    expect(bare(parseQastle(toQastle(parseQuery('(a, b)'))))).toEqual(bare(parseQuery('[a, b]')));
  });
});

describe('formatQuery', () => {
  const formatted: [input: string, output: string][] = [
    ['e.Jet.Where(lambda j: j.pt>40).Count()>=2', 'e.Jet.Where(lambda j: j.pt > 40).Count() >= 2'],
    ['(a + b) * c', '(a + b) * c'],
    ['a + (b * c)', 'a + b * c'],
    ['a - (b - c)', 'a - (b - c)'],
    ['(a - b) - c', 'a - b - c'],
    ['(a ** b) ** c', '(a ** b) ** c'],
    ['a ** (b ** c)', 'a ** b ** c'],
    ['(-2) ** 2', '(-2) ** 2'],
    ['-(2 ** 2)', '-2 ** 2'],
    ['2 ** (-1)', '2 ** -1'],
    ['not (a and b)', 'not (a and b)'],
    ['(not a) and b', 'not a and b'],
    ['(a < b) < c', '(a < b) < c'],
    ['a < b < c', 'a < b < c'],
    ['(a and b) and c', '(a and b) and c'],
    ['(a if b else c) if d else e', '(a if b else c) if d else e'],
    ['a if b else (c if d else e)', 'a if b else c if d else e'],
    ['(lambda x: x)(1)', '(lambda x: x)(1)'],
    ['(1).real', '(1).real'],
    ['(a,)', '(a,)'],
    ['()', '()'],
    ['x[1, 2]', 'x[1, 2]'],
    ['x[(1,)]', 'x[1,]'],
    ["{'a' : [1,2.0], }", "{'a': [1, 2.0]}"],
    ['f(a, k = 1)', 'f(a, k=1)'],
    ['lambda: 0', 'lambda: 0'],
    ["'it\\'s'", '"it\'s"'],
    ['"tab\\there"', "'tab\\there'"],
    ['1e400', '1e999'],
    ['0x10', '16'],
    ['1_000.5', '1000.5'],
    ['a not in b', 'a not in b'],
    ['-(-a)', '--a'],
    ['a + (not b)', 'a + (not b)'],
    ['(lambda x: x) if a else b', '(lambda x: x) if a else b'],
  ];

  it.each(formatted)('%s', (input, output) => {
    expect(formatQuery(parseQuery(input))).toBe(output);
  });

  it('round-trips every qastle equivalent through parseQuery', () => {
    for (const [, python] of equivalents) {
      const tree = bare(parseQuery(python));
      expect(bare(parseQuery(formatQuery(parseQuery(python))))).toEqual(tree);
    }
  });

  it('round-trips random trees through parseQuery', () => {
    fc.assert(
      fc.property(treeArbitrary({ pythonOnly: true }), (tree) => {
        const text = formatQuery(tree as unknown as Expr);
        expect(bare(parseQuery(text, { maxDepth: 1000 }))).toEqual(tree);
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseAnyQuery', () => {
  it('parses qastle', () => {
    expect(bare(parseAnyQuery("(Select src (lambda (list e) (attr e 'pt')))"))).toEqual(
      bare(parseQuery('src.Select(lambda e: e.pt)')),
    );
  });

  it('parses the Python form', () => {
    expect(bare(parseAnyQuery('src.Select(lambda e: e.pt)'))).toEqual(
      bare(parseQuery('src.Select(lambda e: e.pt)')),
    );
  });

  it('parses Python text that starts with a parenthesis', () => {
    expect(bare(parseAnyQuery('  (lambda e: e.pt)(x)'))).toEqual(
      bare(parseQuery('(lambda e: e.pt)(x)')),
    );
    expect(bare(parseAnyQuery('(a + b) * c'))).toEqual(bare(parseQuery('(a + b) * c')));
  });

  it('falls back to the Python form for a parenthesized name', () => {
    expect(bare(parseAnyQuery('(a)'))).toEqual(bare(parseQuery('a')));
  });

  it('reports the qastle error for broken qastle', () => {
    expect(() => parseAnyQuery("(Select src (lambda (list e) (attr e 'pt'))")).toThrow(
      "Expected ')' to close '(' at line 1, column 1, found end of query",
    );
  });

  it('reports the Python error for broken Python text in parentheses', () => {
    expect(() => parseAnyQuery('(lambda e: e.pt')).toThrow(
      "Expected ')' to close '(' at line 1, column 1, found end of query",
    );
    expect(() => parseAnyQuery('(a + b) *')).toThrow(
      'Unexpected end of query, expected an expression',
    );
  });

  it('reports the Python error for Python text', () => {
    expect(() => parseAnyQuery('src.Select(lambda e: e.pt')).toThrow(
      "Expected ')' to close '(' at line 1, column 11, found end of query",
    );
  });

  it('passes limits to both parsers', () => {
    expect(() => parseAnyQuery('(list (list a))', { maxDepth: 1 })).toThrow('limit of 1 levels');
    expect(() => parseAnyQuery('a + b', { maxQueryBytes: 2 })).toThrow('limit of 2 bytes');
  });
});
