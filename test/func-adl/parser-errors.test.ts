import { describe, expect, it } from 'vitest';
import {
  MAX_NESTING_DEPTH,
  parseQuery,
  type ParseOptions,
} from '../../transformers/func-adl/parser.js';
import { QuerySyntaxError } from '../../transformers/func-adl/query-syntax-error.js';

/** Parses `query` and returns the QuerySyntaxError it throws; fails the test when none is thrown. */
function syntaxError(query: string, options?: ParseOptions): QuerySyntaxError {
  try {
    parseQuery(query, options);
  } catch (error) {
    if (error instanceof QuerySyntaxError) {
      return error;
    }
    throw error;
  }
  throw new Error(`expected a QuerySyntaxError for ${JSON.stringify(query)}`);
}

type ErrorCase = [query: string, message: string, line: number, column: number];

const cases: ErrorCase[] = [
  ['', 'Unexpected end of query, expected an expression', 1, 1],
  ['   ', 'Unexpected end of query, expected an expression', 1, 4],
  ['# only a comment', 'Unexpected end of query, expected an expression', 1, 17],
  ['$', "Unexpected character '$'", 1, 1],
  ['a ? b', "Unexpected character '?'", 1, 3],
  [
    'a @ b',
    "Unsupported operator '@' in a func_adl query, rewrite the expression without it",
    1,
    3,
  ],
  [
    'a << b',
    "Unsupported operator '<<' in a func_adl query, rewrite the expression without it",
    1,
    3,
  ],
  [
    'a >> b',
    "Unsupported operator '>>' in a func_adl query, rewrite the expression without it",
    1,
    3,
  ],
  [
    'a := 1',
    "Unsupported operator ':=' in a func_adl query, rewrite the expression without it",
    1,
    3,
  ],
  ['a; b', "Unexpected token ';', expected an operator or the end of the query", 1, 2],
  ['!a', "Unexpected character '!'", 1, 1],
  ['a ! b', "Unexpected character '!'", 1, 3],
  ["'abc", 'Unterminated string literal', 1, 1],
  ['"abc', 'Unterminated string literal', 1, 1],
  ["'abc\ndef'", 'Unterminated string literal', 1, 1],
  ["'''abc", 'Unterminated string literal', 1, 1],
  ["'\\x4'", "Invalid escape sequence '\\x4', expected 2 hexadecimal digits after '\\x'", 1, 2],
  ["'\\u12'", "Invalid escape sequence '\\u12', expected 4 hexadecimal digits after '\\u'", 1, 2],
  ["'\\N{BULLET}'", "Unsupported escape sequence '\\N', write the character itself", 1, 2],
  [
    "'\\U00110000'",
    "Invalid escape sequence '\\U00110000', the code point is above U+10FFFF",
    1,
    2,
  ],
  ["f'x'", "Unsupported string prefix 'f', use a plain string literal without a prefix", 1, 1],
  ["b'x'", "Unsupported string prefix 'b', use a plain string literal without a prefix", 1, 1],
  ['1.2.3', "Invalid number literal '1.2.3'", 1, 1],
  ['1abc', "Invalid number literal '1abc'", 1, 1],
  ['01', "Invalid number literal '01'", 1, 1],
  ['1_', "Invalid number literal '1_'", 1, 1],
  ['1__0', "Invalid number literal '1__0'", 1, 1],
  ['0x', "Invalid number literal '0x'", 1, 1],
  ['0b12', "Invalid number literal '0b12'", 1, 1],
  ['1e', "Invalid number literal '1e'", 1, 1],
  ['1j', "Invalid number literal '1j'", 1, 1],
  ['e.1', "Unexpected token '.1', expected an operator or the end of the query", 1, 2],
  ['1 +', 'Unexpected end of query, expected an expression', 1, 4],
  ['+', 'Unexpected end of query, expected an expression', 1, 2],
  ['* 2', "Unexpected token '*', expected an expression", 1, 1],
  ['a * * b', "Unexpected token '*', expected an expression", 1, 5],
  ['a +* b', "Unexpected token '*', expected an expression", 1, 4],
  ['(', 'Unexpected end of query, expected an expression', 1, 2],
  ['(a', "Expected ')' to close '(' at line 1, column 1, found end of query", 1, 3],
  ['(a, b', "Expected ')' to close '(' at line 1, column 1, found end of query", 1, 6],
  ['[a', "Expected ']' to close '[' at line 1, column 1, found end of query", 1, 3],
  ['[a, b', "Expected ']' to close '[' at line 1, column 1, found end of query", 1, 6],
  ["{'a': 1", "Expected '}' to close '{' at line 1, column 1, found end of query", 1, 8],
  ['f(a', "Expected ')' to close '(' at line 1, column 2, found end of query", 1, 4],
  ['f(a, b', "Expected ')' to close '(' at line 1, column 2, found end of query", 1, 7],
  ['x[0', "Expected ']' to close '[' at line 1, column 2, found end of query", 1, 4],
  ['(a]', "Expected ')' to close '(' at line 1, column 1, found ']'", 1, 3],
  ['[a)', "Expected ']' to close '[' at line 1, column 1, found ')'", 1, 3],
  ["{'a': 1)", "Expected '}' to close '{' at line 1, column 1, found ')'", 1, 8],
  ['a)', "Unexpected token ')', expected an operator or the end of the query", 1, 2],
  ['a]', "Unexpected token ']', expected an operator or the end of the query", 1, 2],
  ['a}', "Unexpected token '}', expected an operator or the end of the query", 1, 2],
  [')', "Unexpected token ')', expected an expression", 1, 1],
  ['a b', "Unexpected token 'b', expected an operator or the end of the query", 1, 3],
  ['a 1', "Unexpected token '1', expected an operator or the end of the query", 1, 3],
  ["a 'b'", "Unexpected string literal 'b', expected an operator or the end of the query", 1, 3],
  ['a, b', "Unexpected token ',', wrap a tuple in parentheses", 1, 2],
  ['lambda e: e.a, e.b', "Unexpected token ',', wrap a tuple in parentheses", 1, 14],
  ['a = 1', "Unexpected token '=', use '==' to compare values", 1, 3],
  ['f(a) = 1', "Unexpected token '=', use '==' to compare values", 1, 6],
  ['lambda 1: 2', "Lambda parameter must be a name, found '1'", 1, 8],
  ['lambda e e.x', "Expected ':' after lambda parameters, found 'e'", 1, 10],
  ['lambda (e): e', "Lambda parameter must be a name, found '('", 1, 8],
  ['lambda *args: 1', "Lambda parameter must be a name, found '*'", 1, 8],
  ['lambda e=1: e', "Expected ':' after lambda parameters, found '='", 1, 9],
  ['lambda a, a: a', "Duplicate lambda parameter 'a'", 1, 11],
  ['lambda e:', 'Unexpected end of query, expected an expression', 1, 10],
  ['lambda', 'Lambda parameter must be a name, found end of query', 1, 7],
  [
    'a if b',
    "Expected 'else' to complete the conditional expression started by 'if' at line 1, column 3, found end of query",
    1,
    7,
  ],
  ['a if b else', 'Unexpected end of query, expected an expression', 1, 12],
  [
    'a if b then c',
    "Expected 'else' to complete the conditional expression started by 'if' at line 1, column 3, found 'then'",
    1,
    8,
  ],
  ['a is None', "Unsupported operator 'is' in a func_adl query, use '==' instead", 1, 3],
  ['a is not None', "Unsupported operator 'is not' in a func_adl query, use '!=' instead", 1, 3],
  ['1 + not a', "Unexpected token 'not', wrap the 'not' expression in parentheses", 1, 5],
  ['a == not b', "Unexpected token 'not', wrap the 'not' expression in parentheses", 1, 6],
  ['- not a', "Unexpected token 'not', wrap the 'not' expression in parentheses", 1, 3],
  [
    '1 + lambda x: x',
    "Unexpected token 'lambda', wrap the 'lambda' expression in parentheses",
    1,
    5,
  ],
  ['f(lambda x: x, y', "Expected ')' to close '(' at line 1, column 2, found end of query", 1, 17],
  ['not', 'Unexpected end of query, expected an expression', 1, 4],
  ['a not b', "Unexpected token 'not', expected an operator or the end of the query", 1, 3],
  ['a not', "Unexpected token 'not', expected an operator or the end of the query", 1, 3],
  ['a in', 'Unexpected end of query, expected an expression', 1, 5],
  ['a < < b', "Unexpected token '<', expected an expression", 1, 5],
  ['e.', "Expected an attribute name after '.', found end of query", 1, 3],
  ['e.1x', "Invalid number literal '.1x'", 1, 2],
  ['e.(pt)', "Expected an attribute name after '.', found '('", 1, 3],
  ['e.lambda', "Expected an attribute name after '.', found 'lambda'", 1, 3],
  ['x[]', "Unexpected token ']', expected an expression", 1, 3],
  ['x[1:2]', 'Unsupported slice in subscript, index with a single expression', 1, 4],
  ['x[:]', 'Unsupported slice in subscript, index with a single expression', 1, 3],
  ['f(x=1, 2)', 'Positional argument follows keyword argument', 1, 8],
  ['f(x=1, x=2)', "Keyword argument 'x' repeated", 1, 8],
  [
    'f(a.b=1)',
    "Invalid keyword argument name 'a.b', a keyword argument name must be a plain name",
    1,
    3,
  ],
  [
    'f(1=2)',
    "Invalid keyword argument name '1', a keyword argument name must be a plain name",
    1,
    3,
  ],
  ['f(*a)', "Unexpected token '*', expected an expression", 1, 3],
  ['f(**a)', "Unexpected token '**', expected an expression", 1, 3],
  ['f(,)', "Unexpected token ',', expected an expression", 1, 3],
  ['f(a,,b)', "Unexpected token ',', expected an expression", 1, 5],
  ['[,]', "Unexpected token ',', expected an expression", 1, 2],
  ['[a,,]', "Unexpected token ',', expected an expression", 1, 4],
  ['{a}', "Expected ':' after dictionary key, found '}'", 1, 3],
  ["{'a'}", "Expected ':' after dictionary key, found '}'", 1, 5],
  ["{'a': }", "Unexpected token '}', expected an expression", 1, 7],
  ["{'a' 1}", "Expected ':' after dictionary key, found '1'", 1, 6],
  ['{**a}', "Unexpected token '**', expected an expression", 1, 2],
  ['[x for x in y]', "Unsupported comprehension, use 'Select' and 'Where' instead of 'for'", 1, 4],
  ['(x for x in y)', "Unsupported comprehension, use 'Select' and 'Where' instead of 'for'", 1, 4],
  ['a if b else c if', 'Unexpected end of query, expected an expression', 1, 17],
  [
    'Select(lambda e: e.MET_pt',
    "Expected ')' to close '(' at line 1, column 7, found end of query",
    1,
    26,
  ],
  [
    'Select(lambda e: e.MET_pt))',
    "Unexpected token ')', expected an operator or the end of the query",
    1,
    27,
  ],
  [
    "EventDataset('x')\n  .Select(lambda e: e.MET_pt\n  .Where(lambda e: e.x > 1)",
    "Expected ')' to close '(' at line 2, column 10, found end of query",
    3,
    28,
  ],
  ['a +\n\n  * b', "Unexpected token '*', expected an expression", 3, 3],
  [
    'Select(\n  lambda e: e.Jet.Where(lambda j: j.pt > )\n)',
    "Unexpected token ')', expected an expression",
    2,
    42,
  ],
  ['f(\n  a\n  b\n)', "Expected ')' to close '(' at line 1, column 2, found 'b'", 3, 3],
  ['a\n b', "Unexpected token 'b', expected an operator or the end of the query", 2, 2],
  ["'a' \n 'b", 'Unterminated string literal', 2, 2],
  ['x\t= 1', "Unexpected token '=', use '==' to compare values", 1, 3],
  ['True = 1', "Unexpected token '=', use '==' to compare values", 1, 6],
  ['None.x(', 'Unexpected end of query, expected an expression', 1, 8],
  ['a.b.c(d, e[f, g], h=)', "Unexpected token ')', expected an expression", 1, 21],
];

describe('parseQuery errors', () => {
  it.each(cases)('%j', (query, message, line, column) => {
    const error = syntaxError(query);
    expect(error.message).toBe(message);
    expect([error.position.line, error.position.column]).toEqual([line, column]);
  });

  it('has at least 60 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
  });

  it('reports offsets that match line and column', () => {
    for (const [query] of cases) {
      const { position } = syntaxError(query);
      const lineStart = query
        .split('\n')
        .slice(0, position.line - 1)
        .join('\n').length;
      const expectedOffset =
        position.line === 1 ? position.column - 1 : lineStart + position.column;
      expect(position.offset, query).toBe(expectedOffset);
    }
  });

  it('formats the error with a caret', () => {
    const error = syntaxError('Select(lambda e: e.MET_pt');
    expect(error.format()).toBe(
      [
        "line 1, column 26: Expected ')' to close '(' at line 1, column 7, found end of query",
        '  Select(lambda e: e.MET_pt',
        '                           ^',
      ].join('\n'),
    );
  });

  it('keeps the source text on the error', () => {
    expect(syntaxError('a +').source).toBe('a +');
  });
});

describe('parseQuery limit errors', () => {
  it('rejects a query over the byte limit', () => {
    const error = syntaxError('a' + ' '.repeat(100), { maxQueryBytes: 100 });
    expect(error.message).toBe(
      'Query is 101 bytes, over the limit of 100 bytes, shorten the query or raise the maxQueryBytes option (--max-query-bytes)',
    );
    expect(error.position.column).toBe(101);
  });

  it('counts bytes in UTF-8', () => {
    const error = syntaxError(`'${'é'.repeat(50)}'`, { maxQueryBytes: 100 });
    expect(error.message).toContain('Query is 102 bytes');
    expect(error.position.offset).toBe(50);
  });

  it('rejects the default byte limit plus one', () => {
    const error = syntaxError('a'.repeat(65537));
    expect(error.message).toContain('over the limit of 65536 bytes');
  });

  it('rejects nesting over the depth limit', () => {
    const error = syntaxError('(((a)))', { maxDepth: 3 });
    expect(error.message).toBe(
      'Query nesting is deeper than the limit of 3 levels, simplify the query or raise the maxDepth option (--max-nesting-depth)',
    );
    expect(error.position.column).toBe(4);
  });

  it('rejects 10,000 open parentheses by depth', () => {
    const error = syntaxError('('.repeat(10_000));
    expect(error.message).toContain(`limit of ${MAX_NESTING_DEPTH} levels`);
    expect(error.position.column).toBe(MAX_NESTING_DEPTH + 1);
  });

  it.each([
    ['unary minus', '-'.repeat(10_000) + '1'],
    ['not', 'not '.repeat(10_000) + 'a'],
    ['lambda', 'lambda x: '.repeat(5_000) + 'x'],
    ['power', 'a ** '.repeat(10_000) + 'a'],
    ['list', '['.repeat(10_000)],
    ['dict', "{'a': ".repeat(5_000)],
    ['call', 'f('.repeat(10_000)],
    ['subscript', 'x['.repeat(10_000)],
    ['conditional', 'a if b else '.repeat(5_000) + 'c'],
  ])('rejects deep %s nesting by depth', (_kind, query) => {
    expect(syntaxError(query).message).toContain('raise the maxDepth option (--max-nesting-depth)');
  });

  it('rejects a syntax tree over the height limit', () => {
    const error = syntaxError('e' + '.x'.repeat(30), { maxTreeHeight: 20 });
    expect(error.message).toBe(
      'Query syntax tree is higher than the limit of 20 levels, split long operator or method chains or raise the maxTreeHeight option',
    );
  });

  it('rejects a long attribute chain by tree height', () => {
    const error = syntaxError('e' + '.x'.repeat(20_000));
    expect(error.message).toContain('raise the maxTreeHeight option');
  });

  it('rejects stack exhaustion under a huge depth limit', () => {
    const error = syntaxError('('.repeat(60_000), { maxDepth: 1_000_000, maxQueryBytes: 1e6 });
    expect(error.message).toBe(
      "Query nesting is too deep for the parser's stack, simplify the query or lower the maxDepth option",
    );
  });
});
