/**
 * Prints a syntax tree back as Python-form query text, with the fewest parentheses that keep
 * the tree's structure, so `parseQuery(formatQuery(tree))` gives the same tree without spans.
 */
import type { Expr, NumberLiteral } from './ast.js';

/** Binding strength of each printed form, matching the levels `parseQuery` uses. */
const PRECEDENCE = {
  lambda: 1,
  conditional: 2,
  or: 3,
  and: 4,
  not: 5,
  compare: 6,
  '|': 7,
  '^': 8,
  '&': 9,
  '+': 11,
  '-': 11,
  '*': 12,
  '/': 12,
  '//': 12,
  '%': 12,
  unary: 13,
  '**': 14,
  atom: 16,
} as const;

/** Formats a syntax tree as Python-form query text on one line. */
export function formatQuery(expr: Expr): string {
  switch (expr.kind) {
    case 'number':
      return formatNumberLiteral(expr);
    case 'string':
      return formatStringLiteral(expr.value);
    case 'boolean':
      return expr.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'name':
      return expr.id;
    case 'lambda':
      return formatLambda(expr.params, expr.body);
    case 'conditional':
      return formatConditional(expr.body, expr.test, expr.orelse);
    default:
      return formatOperatorOrCollection(expr);
  }
}

function formatOperatorOrCollection(expr: Expr): string {
  switch (expr.kind) {
    case 'attribute':
      return `${formatPostfixObject(expr.object)}.${expr.name}`;
    case 'subscript':
      return `${formatPostfixObject(expr.object)}[${formatSubscriptIndex(expr.index)}]`;
    case 'call':
      return formatCall(expr);
    case 'unary':
      return formatUnary(expr.op, expr.operand);
    case 'binary':
      return formatBinary(expr.op, expr.left, expr.right);
    case 'boolop':
      return expr.values
        .map((value) => wrapUnless(value, precedenceOf(value) > PRECEDENCE[expr.op]))
        .join(` ${expr.op} `);
    case 'compare':
      return formatCompare(expr.left, expr.ops, expr.comparators);
    case 'list':
      return `[${expr.elements.map(formatQuery).join(', ')}]`;
    case 'tuple':
      return formatTuple(expr.elements);
    case 'dict':
      return formatDict(expr.keys, expr.values);
    default:
      throw new TypeError(`Unknown syntax tree node kind '${(expr as Expr).kind}'`);
  }
}

/** Returns the binding strength of the form `formatQuery` prints for `expr`. */
function precedenceOf(expr: Expr): number {
  switch (expr.kind) {
    case 'lambda':
      return PRECEDENCE.lambda;
    case 'conditional':
      return PRECEDENCE.conditional;
    case 'boolop':
      return PRECEDENCE[expr.op];
    case 'unary':
      return expr.op === 'not' ? PRECEDENCE.not : PRECEDENCE.unary;
    case 'compare':
      return PRECEDENCE.compare;
    case 'binary':
      return PRECEDENCE[expr.op];
    case 'number':
      return expr.value < 0 || Object.is(expr.value, -0) ? PRECEDENCE.unary : PRECEDENCE.atom;
    default:
      return PRECEDENCE.atom;
  }
}

function wrapUnless(expr: Expr, bindsTightEnough: boolean): string {
  const text = formatQuery(expr);
  return bindsTightEnough ? text : `(${text})`;
}

function formatLambda(params: string[], body: Expr): string {
  return params.length === 0
    ? `lambda: ${formatQuery(body)}`
    : `lambda ${params.join(', ')}: ${formatQuery(body)}`;
}

function formatConditional(body: Expr, test: Expr, orelse: Expr): string {
  const bodyText = wrapUnless(body, precedenceOf(body) > PRECEDENCE.conditional);
  const testText = wrapUnless(test, precedenceOf(test) > PRECEDENCE.conditional);
  return `${bodyText} if ${testText} else ${formatQuery(orelse)}`;
}

/** Wraps the object of an attribute, call or subscript unless it is an atom or postfix form. */
function formatPostfixObject(object: Expr): string {
  const isAtom = precedenceOf(object) === PRECEDENCE.atom && object.kind !== 'number';
  return wrapUnless(object, isAtom);
}

function formatSubscriptIndex(index: Expr): string {
  if (index.kind === 'tuple' && index.elements.length > 0) {
    const elements = index.elements.map(formatQuery);
    return index.elements.length === 1 ? `${elements[0]},` : elements.join(', ');
  }
  return formatQuery(index);
}

function formatCall(expr: Extract<Expr, { kind: 'call' }>): string {
  const args = expr.args.map(formatQuery);
  const keywords = expr.keywords.map((keyword) => `${keyword.name}=${formatQuery(keyword.value)}`);
  return `${formatPostfixObject(expr.callee)}(${[...args, ...keywords].join(', ')})`;
}

function formatUnary(op: string, operand: Expr): string {
  if (op === 'not') {
    return `not ${wrapUnless(operand, precedenceOf(operand) >= PRECEDENCE.not)}`;
  }
  return `${op}${wrapUnless(operand, precedenceOf(operand) >= PRECEDENCE.unary)}`;
}

function formatBinary(op: keyof typeof PRECEDENCE, left: Expr, right: Expr): string {
  const precedence = PRECEDENCE[op];
  if (op === '**') {
    const leftText = wrapUnless(left, precedenceOf(left) > precedence);
    const rightText = wrapUnless(right, precedenceOf(right) >= PRECEDENCE.unary);
    return `${leftText} ** ${rightText}`;
  }

  const leftText = wrapUnless(left, precedenceOf(left) >= precedence);
  const rightText = wrapUnless(right, precedenceOf(right) > precedence);
  return `${leftText} ${op} ${rightText}`;
}

function formatCompare(left: Expr, ops: string[], comparators: Expr[]): string {
  let text = wrapUnless(left, precedenceOf(left) > PRECEDENCE.compare);
  ops.forEach((op, i) => {
    const comparator = comparators[i];
    text += ` ${op} ${wrapUnless(comparator, precedenceOf(comparator) > PRECEDENCE.compare)}`;
  });
  return text;
}

function formatTuple(elements: Expr[]): string {
  if (elements.length === 1) {
    return `(${formatQuery(elements[0])},)`;
  }
  return `(${elements.map(formatQuery).join(', ')})`;
}

function formatDict(keys: Expr[], values: Expr[]): string {
  const entries = keys.map((key, i) => `${formatQuery(key)}: ${formatQuery(values[i])}`);
  return `{${entries.join(', ')}}`;
}

/**
 * Formats a number so that parsing the text gives the same value and integer flag. Integers
 * print without a point, with exact digits even above 2^53. Floats always have a point or an
 * exponent, and infinity prints as `1e999`, which Python also reads as infinity.
 */
export function formatNumberLiteral(literal: Pick<NumberLiteral, 'value' | 'isInteger'>): string {
  const { value, isInteger } = literal;
  if (Number.isNaN(value)) {
    throw new RangeError('Number literal is NaN, which has no literal form in a query');
  }
  if (!Number.isFinite(value)) {
    return value > 0 ? '1e999' : '-1e999';
  }
  if (isInteger && Number.isInteger(value)) {
    return Number.isSafeInteger(value) ? String(value) : BigInt(value).toString();
  }

  const text = String(value);
  return /[.e]/.test(text) ? text : `${text}.0`;
}

/**
 * Formats a string as a Python literal the way Python's `repr` does. The literal uses single
 * quotes unless the text contains a single quote and no double quote, and it escapes
 * backslashes, the quote character and control characters.
 */
export function formatStringLiteral(value: string): string {
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  let text = quote;
  for (const char of value) {
    text += escapeCharacter(char, quote);
  }
  return text + quote;
}

function escapeCharacter(char: string, quote: string): string {
  const named: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
  if (char in named) {
    return named[char];
  }
  if (char === quote) {
    return '\\' + quote;
  }

  const code = char.codePointAt(0) as number;
  if (code < 0x20 || code === 0x7f) {
    return '\\x' + code.toString(16).padStart(2, '0');
  }
  if (code >= 0xd800 && code <= 0xdfff) {
    return '\\u' + code.toString(16).padStart(4, '0');
  }
  return char;
}
