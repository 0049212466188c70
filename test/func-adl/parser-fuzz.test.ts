import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Expr } from '../../transformers/func-adl/ast.js';
import { parseAnyQuery } from '../../transformers/func-adl/parse-any-query.js';
import { parseQuery } from '../../transformers/func-adl/parser.js';
import { parseQastle, toQastle } from '../../transformers/func-adl/qastle.js';
import { positionAt, QuerySyntaxError } from '../../transformers/func-adl/query-syntax-error.js';

const VALID_QUERIES = [
  'Select(lambda e: e.MET_pt)',
  "EventDataset('x').SelectMany(lambda e: e.Jet.Where(lambda j: abs(j.eta) < 1).Select(lambda j: j.pt))",
  'Where(lambda e: e.Jet.Where(lambda j: j.pt > 40).Count() >= 2).Select(lambda e: e.MET_pt)',
  "Select(lambda e: {'pt': e.Jet_pt, 'eta': e.Jet_eta})",
  "Select(lambda e: Zip({'pt': e.Jet_pt, 'eta': e.Jet_eta}))",
  'e.Muon.Choose(2).Where(lambda p: p[0].charge != p[1].charge and 60 < p[0].pt * 2 < 120)',
  'np.cos(x) ** 2 + -np.sin(x) ** 2 if not a in b else (1, 2.5e-3, "s\\n")',
  "EventDataset('x')  # source\n  .Where(lambda e: e.nJet >= 3)\n  .Select(lambda e: [e.MET_pt, None, True])",
  'f(a, k=1)[0]',
];

const QASTLE_QUERIES = VALID_QUERIES.flatMap((query) => {
  try {
    return [toQastle(parseQuery(query))];
  } catch {
    return [];
  }
});

const TOKENS = [
  'e',
  'x',
  '1',
  '2.5',
  '.5',
  '1e3',
  "'s'",
  '"t"',
  'True',
  'None',
  'lambda',
  'lambda e:',
  'if',
  'else',
  'and',
  'or',
  'not',
  'in',
  'is',
  '+',
  '-',
  '*',
  '**',
  '/',
  '//',
  '%',
  '&',
  '|',
  '^',
  '~',
  '<',
  '<=',
  '==',
  '!=',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  ',',
  ':',
  '.',
  '=',
  '#',
  '\n',
  '\\',
  "'",
  '"',
  'Select',
  '(attr',
  '(call',
  '(list',
  '(lambda',
  '(Select',
];

/** Checks that `parse(text)` returns a tree or throws a QuerySyntaxError pointing into `text`. */
function expectParseOrPositionedError(parse: (text: string) => Expr, text: string): void {
  let tree: Expr | undefined;
  try {
    tree = parse(text);
  } catch (error) {
    expect(error).toBeInstanceOf(QuerySyntaxError);
    const { position } = error as QuerySyntaxError;
    const lines = text.split('\n');
    expect(position.line).toBeGreaterThanOrEqual(1);
    expect(position.line).toBeLessThanOrEqual(lines.length);
    expect(position.column).toBeGreaterThanOrEqual(1);
    expect(position.column).toBeLessThanOrEqual(lines[position.line - 1].length + 1);
    expect(positionAt(text, position.offset)).toEqual(position);
    return;
  }
  expect(tree.span.start.offset).toBeGreaterThanOrEqual(0);
  expect(tree.span.end.offset).toBeLessThanOrEqual(text.length);
}

/** Applies a list of character edits (insert, delete, replace) to `text`. */
function mutateCharacters(text: string, edits: [number, number, string][]): string {
  let result = text;
  for (const [kind, at, char] of edits) {
    const index = result.length === 0 ? 0 : at % (result.length + 1);
    if (kind === 0) {
      result = result.slice(0, index) + char + result.slice(index);
    } else if (kind === 1) {
      result = result.slice(0, index) + result.slice(index + 1);
    } else {
      result = result.slice(0, index) + char + result.slice(index + 1);
    }
  }
  return result;
}

/** Splits `text` at word boundaries and punctuation, then inserts, deletes or replaces pieces. */
function mutateTokens(text: string, edits: [number, number, string][]): string {
  const pieces = text.match(/\w+|\s+|./gs) ?? [];
  for (const [kind, at, token] of edits) {
    const index = pieces.length === 0 ? 0 : at % (pieces.length + 1);
    if (kind === 0) {
      pieces.splice(index, 0, token);
    } else if (kind === 1) {
      pieces.splice(index, 1);
    } else {
      pieces.splice(index, 1, token);
    }
  }
  return pieces.join('');
}

const characterEdit = fc.tuple(
  fc.integer({ min: 0, max: 2 }),
  fc.nat(),
  fc.oneof(
    fc.constantFrom(...'()[]{},.:=\'"#\\\n +-*<>!'),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  ),
);
const tokenEdit = fc.tuple(fc.integer({ min: 0, max: 2 }), fc.nat(), fc.constantFrom(...TOKENS));
const parsers: [string, (text: string) => Expr][] = [
  ['parseQuery', (text) => parseQuery(text)],
  ['parseQastle', (text) => parseQastle(text)],
  ['parseAnyQuery', (text) => parseAnyQuery(text)],
];

describe.each(parsers)('%s fuzzing', (_name, parse) => {
  it('handles random strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
        expectParseOrPositionedError(parse, text);
      }),
      { numRuns: 3000 },
    );
  });

  it('handles random token sequences', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...TOKENS), { maxLength: 25 }),
        fc.boolean(),
        (tokens, spaced) => {
          expectParseOrPositionedError(parse, tokens.join(spaced ? ' ' : ''));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('handles character mutations of valid queries', () => {
    const sources = [...VALID_QUERIES, ...QASTLE_QUERIES];
    fc.assert(
      fc.property(
        fc.constantFrom(...sources),
        fc.array(characterEdit, { minLength: 1, maxLength: 4 }),
        (query, edits) => {
          expectParseOrPositionedError(parse, mutateCharacters(query, edits));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('handles token mutations of valid queries', () => {
    const sources = [...VALID_QUERIES, ...QASTLE_QUERIES];
    fc.assert(
      fc.property(
        fc.constantFrom(...sources),
        fc.array(tokenEdit, { minLength: 1, maxLength: 4 }),
        (query, edits) => {
          expectParseOrPositionedError(parse, mutateTokens(query, edits));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('fails fast on deep nesting', () => {
    const openers = ['(', '[', '{', 'f(', 'x[', '-', 'not ', 'lambda e: ', '(list ', '(call f '];
    fc.assert(
      fc.property(
        fc.constantFrom(...openers),
        fc.integer({ min: 65, max: 10_000 }),
        (opener, count) => {
          const text = opener.repeat(count);
          const started = performance.now();
          expectParseOrPositionedError(parse, text);
          expect(performance.now() - started).toBeLessThan(1000);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('fuzzing fixtures', () => {
  it('start from queries that parse', () => {
    for (const query of VALID_QUERIES) {
      expect(() => parseQuery(query)).not.toThrow();
    }
    expect(QASTLE_QUERIES.length).toBeGreaterThanOrEqual(VALID_QUERIES.length - 3);
    for (const query of QASTLE_QUERIES) {
      expect(() => parseQastle(query)).not.toThrow();
    }
  });

  it('mutate the text', () => {
    expect(mutateCharacters('abc', [[0, 1, 'X']])).toBe('aXbc');
    expect(mutateCharacters('abc', [[1, 1, '']])).toBe('ac');
    expect(mutateCharacters('abc', [[2, 2, 'Z']])).toBe('abZ');
    expect(mutateTokens('f(a, b)', [[1, 2, '']])).toBe('f(, b)');
    expect(mutateTokens('f(a, b)', [[2, 0, 'g']])).toBe('g(a, b)');
  });
});
