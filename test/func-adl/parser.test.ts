import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Expr } from '../../transformers/func-adl/ast.js';
import { formatQuery } from '../../transformers/func-adl/format-query.js';
import { parseQuery } from '../../transformers/func-adl/parser.js';
import {
  and,
  attr,
  binary,
  bool,
  call,
  compare,
  conditional,
  dict,
  float,
  int,
  lambda,
  list,
  method,
  name,
  none,
  or,
  str,
  stripSpans,
  sub,
  tuple,
  unary,
  type Bare,
} from './tree-builders.js';

type Case = [query: string, tree: Bare];

const literals: Case[] = [
  ['1', int(1)],
  ['0', int(0)],
  ['00', int(0)],
  ['1.5', float(1.5)],
  ['.5', float(0.5)],
  ['5.', float(5)],
  ['1e3', float(1000)],
  ['1E3', float(1000)],
  ['1e-3', float(0.001)],
  ['1.5e+2', float(150)],
  ['1_000', int(1000)],
  ['1_000.000_1', float(1000.0001)],
  ['0x1F', int(31)],
  ['0o17', int(15)],
  ['0b101', int(5)],
  ['1.0', float(1)],
  ["'abc'", str('abc')],
  ['"abc"', str('abc')],
  ["''", str('')],
  ["'it\\'s'", str("it's")],
  ['"say \\"hi\\""', str('say "hi"')],
  ["'a\\nb\\tc'", str('a\nb\tc')],
  ["'back\\\\slash'", str('back\\slash')],
  ["'\\x41\\u00e9\\U0001F600'", str('Aé😀')],
  ["'\\101'", str('A')],
  ["'keep \\d'", str('keep \\d')],
  ["r'raw\\d'", str('raw\\d')],
  ["u'unicode'", str('unicode')],
  ["'''triple\nline'''", str('triple\nline')],
  ["'con' 'cat'", str('concat')],
  ['"Jet_pt"', str('Jet_pt')],
  ['True', bool(true)],
  ['False', bool(false)],
  ['None', none],
  ['e', name('e')],
  ['_private', name('_private')],
  ['Jet_pt2', name('Jet_pt2')],
  ['façade', name('façade')],
];

const operators: Case[] = [
  ['a + b', binary('+', 'a', 'b')],
  ['a - b', binary('-', 'a', 'b')],
  ['a * b', binary('*', 'a', 'b')],
  ['a / b', binary('/', 'a', 'b')],
  ['a // b', binary('//', 'a', 'b')],
  ['a % b', binary('%', 'a', 'b')],
  ['a ** b', binary('**', 'a', 'b')],
  ['a & b', binary('&', 'a', 'b')],
  ['a | b', binary('|', 'a', 'b')],
  ['a ^ b', binary('^', 'a', 'b')],
  ['-a', unary('-', 'a')],
  ['+a', unary('+', 'a')],
  ['~a', unary('~', 'a')],
  ['not a', unary('not', 'a')],
  ['-1', unary('-', int(1))],
  ['a - b - c', binary('-', binary('-', 'a', 'b'), 'c')],
  ['a / b / c', binary('/', binary('/', 'a', 'b'), 'c')],
  ['a + b * c', binary('+', 'a', binary('*', 'b', 'c'))],
  ['a * b + c', binary('+', binary('*', 'a', 'b'), 'c')],
  ['(a + b) * c', binary('*', binary('+', 'a', 'b'), 'c')],
  ['a + b - c + d', binary('+', binary('-', binary('+', 'a', 'b'), 'c'), 'd')],
  ['a * b // c % d', binary('%', binary('//', binary('*', 'a', 'b'), 'c'), 'd')],
  ['a ** b ** c', binary('**', 'a', binary('**', 'b', 'c'))],
  ['-2 ** 2', unary('-', binary('**', int(2), int(2)))],
  ['(-2) ** 2', binary('**', unary('-', int(2)), int(2))],
  ['2 ** -1', binary('**', int(2), unary('-', int(1)))],
  ['2 ** -x ** 2', binary('**', int(2), unary('-', binary('**', 'x', int(2))))],
  ['-a * b', binary('*', unary('-', 'a'), 'b')],
  ['a * -b', binary('*', 'a', unary('-', 'b'))],
  ['- - a', unary('-', unary('-', 'a'))],
  ['--a', unary('-', unary('-', 'a'))],
  ['-+~a', unary('-', unary('+', unary('~', 'a')))],
  ['~a & b', binary('&', unary('~', 'a'), 'b')],
  ['a | b ^ c & d', binary('|', 'a', binary('^', 'b', binary('&', 'c', 'd')))],
  ['a & b | c', binary('|', binary('&', 'a', 'b'), 'c')],
  ['a ^ b | c ^ d', binary('|', binary('^', 'a', 'b'), binary('^', 'c', 'd'))],
  ['a + b & c', binary('&', binary('+', 'a', 'b'), 'c')],
  ['a | b < c', compare(binary('|', 'a', 'b'), '<', 'c')],
  ['-a.b', unary('-', attr('a', 'b'))],
  ['-f(x)', unary('-', call('f', [name('x')]))],
  ['-x[0] ** 2', unary('-', binary('**', sub('x', int(0)), int(2)))],
  ['a.b ** c.d', binary('**', attr('a', 'b'), attr('c', 'd'))],
];

const comparisons: Case[] = [
  ['a < b', compare('a', '<', 'b')],
  ['a <= b', compare('a', '<=', 'b')],
  ['a > b', compare('a', '>', 'b')],
  ['a >= b', compare('a', '>=', 'b')],
  ['a == b', compare('a', '==', 'b')],
  ['a != b', compare('a', '!=', 'b')],
  ['a in b', compare('a', 'in', 'b')],
  ['a not in b', compare('a', 'not in', 'b')],
  ['a < b < c', compare('a', '<', 'b', '<', 'c')],
  ['60 < m < 120', compare(int(60), '<', 'm', '<', int(120))],
  ['a == b != c in d not in e', compare('a', '==', 'b', '!=', 'c', 'in', 'd', 'not in', 'e')],
  ['(a < b) < c', compare(compare('a', '<', 'b'), '<', 'c')],
  ['a < (b < c)', compare('a', '<', compare('b', '<', 'c'))],
  ['a + 1 < b * 2', compare(binary('+', 'a', int(1)), '<', binary('*', 'b', int(2)))],
  ['-a < -b', compare(unary('-', 'a'), '<', unary('-', 'b'))],
  ['not a < b', unary('not', compare('a', '<', 'b'))],
  ['not a in b', unary('not', compare('a', 'in', 'b'))],
  ['not a not in b', unary('not', compare('a', 'not in', 'b'))],
];

const booleans: Case[] = [
  ['a and b', and('a', 'b')],
  ['a or b', or('a', 'b')],
  ['a and b and c', and('a', 'b', 'c')],
  ['a or b or c', or('a', 'b', 'c')],
  ['a or b and c', or('a', and('b', 'c'))],
  ['a and b or c', or(and('a', 'b'), 'c')],
  ['a and b or c and d', or(and('a', 'b'), and('c', 'd'))],
  ['(a or b) and c', and(or('a', 'b'), 'c')],
  ['(a and b) and c', and(and('a', 'b'), 'c')],
  ['a and (b and c)', and('a', and('b', 'c'))],
  ['not a and b', and(unary('not', 'a'), 'b')],
  ['not a or not b', or(unary('not', 'a'), unary('not', 'b'))],
  ['not not a', unary('not', unary('not', 'a'))],
  ['not (a and b)', unary('not', and('a', 'b'))],
  ['a and not b', and('a', unary('not', 'b'))],
  ['a < b and b < c', and(compare('a', '<', 'b'), compare('b', '<', 'c'))],
  ['a & b and c | d', and(binary('&', 'a', 'b'), binary('|', 'c', 'd'))],
];

const conditionals: Case[] = [
  ['a if c else b', conditional('a', 'c', 'b')],
  ['a if c else b if d else e', conditional('a', 'c', conditional('b', 'd', 'e'))],
  ['(a if c else b) if d else e', conditional(conditional('a', 'c', 'b'), 'd', 'e')],
  ['a or b if c and d else e', conditional(or('a', 'b'), and('c', 'd'), 'e')],
  [
    'x + 1 if x > 0 else -x',
    conditional(binary('+', 'x', int(1)), compare('x', '>', int(0)), unary('-', 'x')),
  ],
  ['not a if b else c', conditional(unary('not', 'a'), 'b', 'c')],
  ['a if b else lambda x: x', conditional('a', 'b', lambda(['x'], name('x')))],
  ['1 + (a if b else c)', binary('+', int(1), conditional('a', 'b', 'c'))],
];

const lambdas: Case[] = [
  ['lambda e: e', lambda(['e'], name('e'))],
  ['lambda a, b: a + b', lambda(['a', 'b'], binary('+', 'a', 'b'))],
  ['lambda a, b,: a', lambda(['a', 'b'], name('a'))],
  ['lambda: 1', lambda([], int(1))],
  ['lambda e: lambda j: e + j', lambda(['e'], lambda(['j'], binary('+', 'e', 'j')))],
  [
    'lambda e: e.x if e.y else 0',
    lambda(['e'], conditional(attr('e', 'x'), attr('e', 'y'), int(0))),
  ],
  ['lambda e: (e.a, e.b)', lambda(['e'], tuple(attr('e', 'a'), attr('e', 'b')))],
  ['lambda e: e.a and e.b', lambda(['e'], and(attr('e', 'a'), attr('e', 'b')))],
  ['(lambda e: e)(1)', call(lambda(['e'], name('e')), [int(1)])],
  [
    'lambda p: p[0].pt * p[1].pt',
    lambda(['p'], binary('*', attr(sub('p', int(0)), 'pt'), attr(sub('p', int(1)), 'pt'))),
  ],
];

const postfix: Case[] = [
  ['e.MET_pt', attr('e', 'MET_pt')],
  ['e.MET.pt', attr(attr('e', 'MET'), 'pt')],
  ["e['Jet_pt']", sub('e', str('Jet_pt'))],
  ['x[0]', sub('x', int(0))],
  ['x[-1]', sub('x', unary('-', int(1)))],
  ['x[i + 1]', sub('x', binary('+', 'i', int(1)))],
  ['x[0][1]', sub(sub('x', int(0)), int(1))],
  ['x[0, 1]', sub('x', tuple(int(0), int(1)))],
  ['x[0,]', sub('x', tuple(int(0)))],
  ['x[(0, 1)]', sub('x', tuple(int(0), int(1)))],
  ['f()', call('f')],
  ['f(a)', call('f', [name('a')])],
  ['f(a, b)', call('f', [name('a'), name('b')])],
  ['f(a, b,)', call('f', [name('a'), name('b')])],
  ['f(a)(b)', call(call('f', [name('a')]), [name('b')])],
  ['f(x=1)', call('f', [], [['x', int(1)]])],
  [
    'f(a, x=1, y=b)',
    call(
      'f',
      [name('a')],
      [
        ['x', int(1)],
        ['y', name('b')],
      ],
    ),
  ],
  ['f(x=lambda e: e)', call('f', [], [['x', lambda(['e'], name('e'))]])],
  ['f((a, b))', call('f', [tuple('a', 'b')])],
  ['f(a if b else c)', call('f', [conditional('a', 'b', 'c')])],
  ['np.cos(x)', method('np', 'cos', name('x'))],
  [
    'math.sqrt(x ** 2 + y ** 2)',
    method('math', 'sqrt', binary('+', binary('**', 'x', int(2)), binary('**', 'y', int(2)))),
  ],
  ['abs(j.eta)', call('abs', [attr('j', 'eta')])],
  ["e['Jet'].pt", attr(sub('e', str('Jet')), 'pt')],
  ['(a).b', attr('a', 'b')],
  ['(1).real', attr(int(1), 'real')],
  ["'a'.upper()", method(str('a'), 'upper')],
  ['[1, 2][0]', sub(list(int(1), int(2)), int(0))],
  ['e.Jet.Count()', method(attr('e', 'Jet'), 'Count')],
];

const collections: Case[] = [
  ['[]', list()],
  ['[a]', list('a')],
  ['[a, b]', list('a', 'b')],
  ['[a, b,]', list('a', 'b')],
  ['[[a], []]', list(list('a'), list())],
  ['()', tuple()],
  ['(a,)', tuple('a')],
  ['(a, b)', tuple('a', 'b')],
  ['(a, b,)', tuple('a', 'b')],
  ['(a)', name('a')],
  ['((a))', name('a')],
  ['((a,),)', tuple(tuple('a'))],
  ['{}', dict()],
  ["{'a': x}", dict([str('a'), 'x'])],
  ["{'a': x, 'b': y}", dict([str('a'), 'x'], [str('b'), 'y'])],
  ["{'a': x,}", dict([str('a'), 'x'])],
  ["{'f': lambda e: e}", dict([str('f'), lambda(['e'], name('e'))])],
  ["{'n': {'m': 1}}", dict([str('n'), dict([str('m'), int(1)])])],
  ['{1: a if b else c}', dict([int(1), conditional('a', 'b', 'c')])],
];

const jetsEtaSelection = method(
  method(
    attr('e', 'Jet'),
    'Where',
    lambda(['j'], compare(call('abs', [attr('j', 'eta')]), '<', int(1))),
  ),
  'Select',
  lambda(['j'], attr('j', 'pt')),
);

const adlQueries: Case[] = [
  ['Select(lambda e: e.MET_pt)', call('Select', [lambda(['e'], attr('e', 'MET_pt'))])],
  [
    "EventDataset('x').Select(lambda e: e.MET_pt)",
    method(call('EventDataset', [str('x')]), 'Select', lambda(['e'], attr('e', 'MET_pt'))),
  ],
  [
    "EventDataset('x').SelectMany(lambda e: e.Jet.Where(lambda j: abs(j.eta) < 1).Select(lambda j: j.pt))",
    method(call('EventDataset', [str('x')]), 'SelectMany', lambda(['e'], jetsEtaSelection)),
  ],
  [
    'Where(lambda e: e.Jet.Where(lambda j: j.pt > 40).Count() >= 2).Select(lambda e: e.MET_pt)',
    method(
      call('Where', [
        lambda(
          ['e'],
          compare(
            method(
              method(
                attr('e', 'Jet'),
                'Where',
                lambda(['j'], compare(attr('j', 'pt'), '>', int(40))),
              ),
              'Count',
            ),
            '>=',
            int(2),
          ),
        ),
      ]),
      'Select',
      lambda(['e'], attr('e', 'MET_pt')),
    ),
  ],
  [
    ".Select(lambda e: {'pt': e.Jet_pt, 'eta': e.Jet_eta})".slice(1),
    call('Select', [
      lambda(['e'], dict([str('pt'), attr('e', 'Jet_pt')], [str('eta'), attr('e', 'Jet_eta')])),
    ]),
  ],
  [
    "Zip({'pt': e.Jet_pt, 'eta': e.Jet_eta})",
    call('Zip', [dict([str('pt'), attr('e', 'Jet_pt')], [str('eta'), attr('e', 'Jet_eta')])]),
  ],
  [
    "e.Select(lambda e: Zip({'pt': e.Jet_pt, 'eta': e.Jet_eta}))",
    method(
      'e',
      'Select',
      lambda(
        ['e'],
        call('Zip', [dict([str('pt'), attr('e', 'Jet_pt')], [str('eta'), attr('e', 'Jet_eta')])]),
      ),
    ),
  ],
  ['e.Jet.Choose(3)', method(attr('e', 'Jet'), 'Choose', int(3))],
  [
    'e.Muon.Choose(2).Where(lambda p: p[0].charge != p[1].charge)',
    method(
      method(attr('e', 'Muon'), 'Choose', int(2)),
      'Where',
      lambda(
        ['p'],
        compare(attr(sub('p', int(0)), 'charge'), '!=', attr(sub('p', int(1)), 'charge')),
      ),
    ),
  ],
  ['np.cos(x)', method('np', 'cos', name('x'))],
  ["Select(lambda e: e['Jet_pt'])", call('Select', [lambda(['e'], sub('e', str('Jet_pt')))])],
  [
    'e.Jet.Select(lambda j: j.pt).Sum()',
    method(method(attr('e', 'Jet'), 'Select', lambda(['j'], attr('j', 'pt'))), 'Sum'),
  ],
  [
    'e.Jet.Aggregate(0, lambda acc, j: acc + j.pt)',
    method(
      attr('e', 'Jet'),
      'Aggregate',
      int(0),
      lambda(['acc', 'j'], binary('+', 'acc', attr('j', 'pt'))),
    ),
  ],
  [
    'Where(lambda e: e.nJet >= 3 and e.MET_pt > 20.5)',
    call('Where', [
      lambda(
        ['e'],
        and(
          compare(attr('e', 'nJet'), '>=', int(3)),
          compare(attr('e', 'MET_pt'), '>', float(20.5)),
        ),
      ),
    ]),
  ],
  [
    'e.Jet.Where(lambda j: j.pt > 30).Select(lambda j: j.btag).Max()',
    method(
      method(
        method(attr('e', 'Jet'), 'Where', lambda(['j'], compare(attr('j', 'pt'), '>', int(30)))),
        'Select',
        lambda(['j'], attr('j', 'btag')),
      ),
      'Max',
    ),
  ],
  [
    'sqrt(2 * a.pt * b.pt * (cosh(a.eta - b.eta) - cos(a.phi - b.phi)))',
    call('sqrt', [
      binary(
        '*',
        binary('*', binary('*', int(2), attr('a', 'pt')), attr('b', 'pt')),
        binary(
          '-',
          call('cosh', [binary('-', attr('a', 'eta'), attr('b', 'eta'))]),
          call('cos', [binary('-', attr('a', 'phi'), attr('b', 'phi'))]),
        ),
      ),
    ]),
  ],
];

const multiLine: Case[] = [
  [
    [
      "EventDataset('x')  # the source",
      '  .Where(lambda e: e.MET_pt > 20)  # cut',
      '  .Select(lambda e: e.MET_pt)',
    ].join('\n'),
    method(
      method(
        call('EventDataset', [str('x')]),
        'Where',
        lambda(['e'], compare(attr('e', 'MET_pt'), '>', int(20))),
      ),
      'Select',
      lambda(['e'], attr('e', 'MET_pt')),
    ),
  ],
  ['Select(\n  lambda e:\n    e.MET_pt\n)', call('Select', [lambda(['e'], attr('e', 'MET_pt'))])],
  ['a +\n b', binary('+', 'a', 'b')],
  ['a \\\n + b', binary('+', 'a', 'b')],
  ['# comment only line\na', name('a')],
  ['a # trailing comment', name('a')],
  [
    "{\n  'pt': e.pt,  # GeV\n  'eta': e.eta,\n}",
    dict([str('pt'), attr('e', 'pt')], [str('eta'), attr('e', 'eta')]),
  ],
  ['\r\n a \r\n', name('a')],
  ['\ta\t', name('a')],
];

const allCases: [string, Case[]][] = [
  ['literals', literals],
  ['operators', operators],
  ['comparisons', comparisons],
  ['booleans', booleans],
  ['conditionals', conditionals],
  ['lambdas', lambdas],
  ['postfix', postfix],
  ['collections', collections],
  ['ADL queries', adlQueries],
  ['multi-line queries', multiLine],
];

describe('parseQuery trees', () => {
  for (const [group, cases] of allCases) {
    describe(group, () => {
      it.each(cases)('%s', (query, tree) => {
        expect(stripSpans(parseQuery(query))).toEqual(tree);
      });
    });
  }

  it('has at least 150 cases', () => {
    const total = allCases.reduce((sum, [, cases]) => sum + cases.length, 0);
    expect(total).toBeGreaterThanOrEqual(150);
  });
});

describe('parseQuery spans', () => {
  const span = (node: Expr) => [
    node.span.start.line,
    node.span.start.column,
    node.span.end.line,
    node.span.end.column,
  ];

  it('covers a binary expression', () => {
    const tree = parseQuery('a + bc');
    expect(span(tree)).toEqual([1, 1, 1, 7]);
    expect(tree.span.start.offset).toBe(0);
    expect(tree.span.end.offset).toBe(6);
  });

  it('covers operands separately', () => {
    const tree = parseQuery('a + bc');
    if (tree.kind !== 'binary') throw new Error('expected a binary node');
    expect(span(tree.left)).toEqual([1, 1, 1, 2]);
    expect(span(tree.right)).toEqual([1, 5, 1, 7]);
  });

  it('includes parentheses of a grouped expression', () => {
    const tree = parseQuery('(a + b) * c');
    if (tree.kind !== 'binary') throw new Error('expected a binary node');
    expect(span(tree.left)).toEqual([1, 1, 1, 8]);
    expect(span(tree)).toEqual([1, 1, 1, 12]);
  });

  it('covers a method call chain', () => {
    const tree = parseQuery('e.Jet.Count()');
    if (tree.kind !== 'call' || tree.callee.kind !== 'attribute')
      throw new Error('expected a call');
    expect(span(tree)).toEqual([1, 1, 1, 14]);
    expect(span(tree.callee)).toEqual([1, 1, 1, 12]);
    expect(span(tree.callee.object)).toEqual([1, 1, 1, 6]);
  });

  it('tracks lines in multi-line queries', () => {
    const tree = parseQuery('Select(\n  lambda e:\n    e.MET_pt\n)');
    if (tree.kind !== 'call') throw new Error('expected a call');
    const lambdaNode = tree.args[0];
    if (lambdaNode.kind !== 'lambda') throw new Error('expected a lambda');
    expect(span(tree)).toEqual([1, 1, 4, 2]);
    expect(span(lambdaNode)).toEqual([2, 3, 3, 13]);
    expect(span(lambdaNode.body)).toEqual([3, 5, 3, 13]);
    expect(lambdaNode.body.span.start.offset).toBe(24);
  });

  it('covers a conditional from body to else branch', () => {
    const tree = parseQuery('x  if y else z');
    expect(span(tree)).toEqual([1, 1, 1, 15]);
  });

  it('covers adjacent string literals', () => {
    const tree = parseQuery('\'a\'  "b"');
    expect(span(tree)).toEqual([1, 1, 1, 9]);
  });

  it('covers a unary operator and its operand', () => {
    const tree = parseQuery('  -x ** 2');
    expect(span(tree)).toEqual([1, 3, 1, 10]);
  });

  it('covers a tuple subscript index', () => {
    const tree = parseQuery('x[1, 2]');
    if (tree.kind !== 'subscript') throw new Error('expected a subscript');
    expect(span(tree.index)).toEqual([1, 3, 1, 7]);
    expect(span(tree)).toEqual([1, 1, 1, 8]);
  });

  it('counts columns after a comment line', () => {
    const tree = parseQuery('# note\n  a');
    expect(span(tree)).toEqual([2, 3, 2, 4]);
    expect(tree.span.start.offset).toBe(9);
  });
});

describe('parseQuery limits', () => {
  it('accepts a query at the byte limit', () => {
    const query = 'a' + ' '.repeat(97) + '+b';
    expect(query.length).toBe(100);
    expect(stripSpans(parseQuery(query, { maxQueryBytes: 100 }))).toEqual(binary('+', 'a', 'b'));
  });

  it('accepts nesting at the depth limit', () => {
    expect(stripSpans(parseQuery('(((a)))', { maxDepth: 4 }))).toEqual(name('a'));
  });

  it('accepts deep nesting under a raised limit', () => {
    const query = '('.repeat(500) + 'a' + ')'.repeat(500);
    expect(stripSpans(parseQuery(query, { maxDepth: 600 }))).toEqual(name('a'));
  });

  it('accepts a long flat chain', () => {
    const query = Array.from({ length: 1000 }, (_, i) => `x${i}`).join(' + ');
    const tree = parseQuery(query);
    expect(tree.kind).toBe('binary');
  });
});

describe('example ADL queries', () => {
  const directory = new URL('../../examples/adl/', import.meta.url);
  const files = readdirSync(directory).filter((file) => file.endsWith('.py'));

  it('include all eight tasks', () => {
    expect(files.length).toBeGreaterThanOrEqual(9);
  });

  it.each(files)('%s parses and round-trips', (file) => {
    const text = readFileSync(new URL(file, directory), 'utf8');
    const tree = stripSpans(parseQuery(text));
    expect(tree).toMatchObject({ kind: 'call' });
    expect(stripSpans(parseQuery(formatQuery(parseQuery(text))))).toEqual(tree);
  });
});
