/**
 * Tokenizer for the Python expression syntax that func_adl queries use. A query is one
 * expression, so every newline counts as whitespace, and `#` starts a comment that runs to the
 * end of the line.
 */
import type { Position } from './ast.js';
import { QuerySyntaxError } from './query-syntax-error.js';

/** Token categories. The `operator` kind covers punctuation as well as arithmetic operators. */
export type TokenKind = 'name' | 'keyword' | 'number' | 'string' | 'operator' | 'end';

/** One token, with its source text and its place in the query. */
export interface Token {
  kind: TokenKind;

  /** Source text of the token, with quotes and prefix for strings, and empty for `end`. */
  text: string;

  /** Decoded value of a string literal, absent for other kinds. */
  stringValue?: string;

  /** Numeric value of a number literal, absent for other kinds. */
  numberValue?: number;

  /** Whether a number literal is an integer (`1`, `0x1f`) rather than a float (`1.0`, `1e3`). */
  isInteger?: boolean;

  start: Position;
  end: Position;
}

/** Python keywords that func_adl queries use. Every other word is a name. */
export const KEYWORDS: ReadonlySet<string> = new Set([
  'lambda',
  'and',
  'or',
  'not',
  'if',
  'else',
  'in',
  'is',
  'True',
  'False',
  'None',
]);

/** Operators and punctuation, longest first so that `**` wins over `*`. */
const OPERATORS = [
  '**',
  '//',
  '==',
  '!=',
  '<=',
  '>=',
  '<<',
  '>>',
  '->',
  ':=',
  '+',
  '-',
  '*',
  '/',
  '%',
  '<',
  '>',
  '&',
  '|',
  '^',
  '~',
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
  '@',
  ';',
];

const DIGIT_PART = '[0-9](?:_?[0-9])*';
const EXPONENT = `[eE][+-]?${DIGIT_PART}`;
const RADIX_INTEGER = '0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+';
const DECIMAL = `(?:(?:${DIGIT_PART})?\\.${DIGIT_PART}|${DIGIT_PART}\\.?)(?:${EXPONENT})?`;

/** Python's number literal grammar without imaginary literals, sticky for scanning at an offset. */
const NUMBER_PATTERN = new RegExp(`${RADIX_INTEGER}|${DECIMAL}`, 'y');
const LEADING_ZERO_PATTERN = /^0[0-9_]*[1-9]/;
const NAME_START = /[\p{L}\p{Nl}_]/u;
const NAME_PART = /[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}_]/u;
const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/** Splits query text into tokens that end with one `end` token. Throws QuerySyntaxError. */
export function tokenize(source: string): Token[] {
  return new Lexer(source).run();
}

/**
 * Converts offsets to 1-based line and column numbers with a table of line starts, so that
 * each lookup is a binary search rather than a scan of the text.
 */
export class LineIndex {
  private readonly lineStarts: number[] = [0];

  constructor(source: string) {
    for (let i = 0; i < source.length; i++) {
      if (source.charCodeAt(i) === 10) {
        this.lineStarts.push(i + 1);
      }
    }
  }

  /** Returns the position of `offset`, counting columns in UTF-16 code units. */
  positionOf(offset: number): Position {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.lineStarts[middle] <= offset) {
        low = middle;
      } else {
        high = middle - 1;
      }
    }
    return { line: low + 1, column: offset - this.lineStarts[low] + 1, offset };
  }
}

class Lexer {
  private readonly lines: LineIndex;
  private offset = 0;
  private readonly tokens: Token[] = [];

  constructor(private readonly source: string) {
    this.lines = new LineIndex(source);
  }

  run(): Token[] {
    for (;;) {
      this.skipWhitespaceAndComments();
      if (this.offset >= this.source.length) {
        break;
      }
      this.tokens.push(this.readToken());
    }

    const end = this.lines.positionOf(this.source.length);
    this.tokens.push({ kind: 'end', text: '', start: end, end });
    return this.tokens;
  }

  private fail(message: string, offset: number): never {
    throw new QuerySyntaxError(message, this.lines.positionOf(offset), this.source);
  }

  private skipWhitespaceAndComments(): void {
    const source = this.source;
    while (this.offset < source.length) {
      const char = source[this.offset];
      if (char === ' ' || char === '\t' || char === '\n' || char === '\r' || char === '\f') {
        this.offset++;
      } else if (char === '\\' && /^\\\r?\n/.test(source.slice(this.offset, this.offset + 3))) {
        this.offset += source[this.offset + 1] === '\r' ? 3 : 2;
      } else if (char === '#') {
        const newline = source.indexOf('\n', this.offset);
        this.offset = newline < 0 ? source.length : newline;
      } else {
        return;
      }
    }
  }

  private readToken(): Token {
    const char = this.source[this.offset];
    const next = this.source[this.offset + 1] ?? '';

    if (isDigit(char) || (char === '.' && isDigit(next))) {
      return this.readNumber();
    }
    if (char === "'" || char === '"') {
      return this.readString(this.offset, '');
    }
    if (NAME_START.test(char)) {
      return this.readWord();
    }
    return this.readOperator();
  }

  private makeToken(kind: TokenKind, start: number, extra: Partial<Token> = {}): Token {
    return {
      kind,
      text: this.source.slice(start, this.offset),
      start: this.lines.positionOf(start),
      end: this.lines.positionOf(this.offset),
      ...extra,
    };
  }

  private readWord(): Token {
    const start = this.offset;
    const source = this.source;
    this.offset++;
    while (this.offset < source.length && NAME_PART.test(source[this.offset])) {
      this.offset++;
    }

    const word = source.slice(start, this.offset);
    const quote = source[this.offset];
    if (quote === "'" || quote === '"') {
      return this.readPrefixedString(start, word);
    }
    return this.makeToken(KEYWORDS.has(word) ? 'keyword' : 'name', start);
  }

  private readPrefixedString(start: number, prefix: string): Token {
    const lower = prefix.toLowerCase();
    if (lower === 'r' || lower === 'u') {
      return this.readString(start, lower);
    }
    if (['b', 'br', 'rb', 'f', 'fr', 'rf'].includes(lower)) {
      this.fail(
        `Unsupported string prefix '${prefix}', use a plain string literal without a prefix`,
        start,
      );
    }
    return this.makeToken(KEYWORDS.has(prefix) ? 'keyword' : 'name', start);
  }

  /**
   * Reads a number as Python's tokenizer does. A number directly followed by a name character,
   * or by `.` and a digit, is invalid (`1.2.3`, `1abc`), but `2.5.real` is `2.5` then `.real`.
   */
  private readNumber(): Token {
    const start = this.offset;
    const source = this.source;
    NUMBER_PATTERN.lastIndex = start;
    const text = (NUMBER_PATTERN.exec(source) as RegExpExecArray)[0];
    this.offset = start + text.length;

    const next = source[this.offset] ?? '';
    const isInteger = !/[.eE]/.test(text) || /^0[xXoObB]/.test(text);
    const hasLeadingZero = isInteger && LEADING_ZERO_PATTERN.test(text);
    if (
      hasLeadingZero ||
      NAME_PART.test(next) ||
      (next === '.' && isDigit(source[this.offset + 1]))
    ) {
      const run = /[0-9A-Za-z_.]*/y;
      run.lastIndex = start;
      return this.fail(
        `Invalid number literal '${(run.exec(source) as RegExpExecArray)[0]}'`,
        start,
      );
    }

    const value = Number(text.replaceAll('_', ''));
    return this.makeToken('number', start, { numberValue: value, isInteger });
  }

  private readString(start: number, prefix: string): Token {
    const source = this.source;
    const quote = source[this.offset];
    const isTriple = source.startsWith(quote.repeat(3), this.offset);
    const delimiter = isTriple ? quote.repeat(3) : quote;
    this.offset += delimiter.length;

    let value = '';
    for (;;) {
      if (this.offset >= source.length) {
        this.fail('Unterminated string literal', start);
      }
      if (source.startsWith(delimiter, this.offset)) {
        this.offset += delimiter.length;
        return this.makeToken('string', start, { stringValue: value });
      }

      const char = source[this.offset];
      if (char === '\n' && !isTriple) {
        this.fail('Unterminated string literal', start);
      }
      if (char === '\\' && prefix !== 'r') {
        value += this.readEscape();
      } else if (char === '\\') {
        value += source.slice(this.offset, this.offset + 2);
        this.offset += 2;
      } else {
        value += char;
        this.offset++;
      }
    }
  }

  /** Decodes the escape sequence at the current offset, as Python does for `str` literals. */
  private readEscape(): string {
    const source = this.source;
    const start = this.offset;
    const char = source[start + 1];
    if (char === undefined) {
      this.fail('Unterminated string literal', start);
    }

    this.offset += 2;
    if (char in SIMPLE_ESCAPES) {
      return SIMPLE_ESCAPES[char];
    }
    if (char === '\n') {
      return '';
    }
    if (char === '\r') {
      this.offset += source[this.offset] === '\n' ? 1 : 0;
      return '';
    }
    if (char >= '0' && char <= '7') {
      return this.readOctalEscape(start);
    }
    if (char === 'N') {
      this.fail("Unsupported escape sequence '\\N', write the character itself", start);
    }

    const hexLength = { x: 2, u: 4, U: 8 }[char as 'x' | 'u' | 'U'];
    if (hexLength === undefined) {
      return '\\' + char;
    }
    return this.readHexEscape(start, hexLength);
  }

  private readOctalEscape(start: number): string {
    const match = /^[0-7]{1,3}/.exec(this.source.slice(start + 1, start + 4)) as RegExpExecArray;
    this.offset = start + 1 + match[0].length;
    return String.fromCodePoint(parseInt(match[0], 8));
  }

  private readHexEscape(start: number, length: number): string {
    const digits = this.source.slice(start + 2, start + 2 + length);
    if (!new RegExp(`^[0-9a-fA-F]{${length}}$`).test(digits)) {
      const validDigits = (/^[0-9a-fA-F]*/.exec(digits) as RegExpExecArray)[0];
      const shown = this.source.slice(start, start + 2) + validDigits;
      this.fail(
        `Invalid escape sequence '${shown}', expected ${length} hexadecimal digits after '\\${this.source[start + 1]}'`,
        start,
      );
    }

    const codePoint = parseInt(digits, 16);
    if (codePoint > 0x10ffff) {
      this.fail(`Invalid escape sequence '\\U${digits}', the code point is above U+10FFFF`, start);
    }
    this.offset = start + 2 + length;
    return String.fromCodePoint(codePoint);
  }

  private readOperator(): Token {
    const start = this.offset;
    const operator = OPERATORS.find((candidate) => this.source.startsWith(candidate, start));
    if (operator === undefined) {
      const code = this.source.codePointAt(start) as number;
      const char = String.fromCodePoint(code);
      // Control and invisible characters are shown by their code point, as in U+0000.
      const shown = /^[\p{L}\p{N}\p{P}\p{S}]$/u.test(char)
        ? `'${char}'`
        : `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
      this.fail(`Unexpected character ${shown}`, start);
    }
    this.offset += operator.length;
    return this.makeToken('operator', start);
  }
}

function isDigit(char: string | undefined): boolean {
  return char !== undefined && char >= '0' && char <= '9';
}
