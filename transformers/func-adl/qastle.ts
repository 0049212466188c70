/**
 * Parser for qastle, the s-expression text in which ServiceX sends func_adl queries. The
 * grammar and node types follow the iris-hep/qastle README and `qastle/transform.py`. Atoms are
 * Python literals and names, and a composite is `(<node type> <field>*)`, for example
 * `(Select (call EventDataset 'x') (lambda (list e) (attr e 'MET_pt')))`.
 *
 * `parseQastle` builds the same tree as `parseQuery` builds for the matching Python text:
 * `(call f a)` is `f(a)`, `(attr x 'n')` is `x.n`, and the LINQ shorthand `(Select src f)` is
 * `src.Select(f)`. Atoms are decoded with the Python-form lexer, so they accept every Python
 * literal form (`1_000`, `0x1f`, escapes), and `%`, `**` and `//` are accepted as in
 * `transform.py`, although the lark grammar in that repository lists no such symbols.
 */
import type { BinaryOperator, CompareOperator, Expr, Span } from './ast.js';
import { KEYWORDS, LineIndex, tokenize } from './lexer.js';
import { LINQ_OPERATOR_ARITY } from './linq-operators.js';
import {
  checkQuerySize,
  isStackOverflow,
  MAX_NESTING_DEPTH,
  MAX_QUERY_BYTES,
  nestingLimitMessage,
  STACK_EXHAUSTED_MESSAGE,
  type ParseOptions,
} from './query-limits.js';
import { QuerySyntaxError } from './query-syntax-error.js';

export { formatQuery } from './format-query.js';
export { toQastle } from './to-qastle.js';
export { LINQ_OPERATOR_ARITY };

const BINARY_OPERATORS: ReadonlySet<string> = new Set<BinaryOperator>([
  '+',
  '-',
  '*',
  '/',
  '//',
  '%',
  '**',
  '&',
  '|',
  '^',
]);

const COMPARE_OPERATORS: ReadonlySet<string> = new Set(['==', '!=', '<', '<=', '>', '>=']);

const NAME_PATTERN = /^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}_]*$/u;
const NUMBER_PATTERN = /^[+-]?[0-9.]/;

interface QastleToken {
  kind: 'open' | 'close' | 'atom' | 'end';
  text: string;
  start: number;
  end: number;
}

/** Parses qastle text into the syntax tree `parseQuery` builds for the same query. */
export function parseQastle(text: string, options: ParseOptions = {}): Expr {
  checkQuerySize(text, options.maxQueryBytes ?? MAX_QUERY_BYTES);
  return new QastleParser(text, options.maxDepth ?? MAX_NESTING_DEPTH).parseWhole();
}

class QastleParser {
  private readonly lines: LineIndex;
  private readonly tokens: QastleToken[];
  private index = 0;
  private depth = 0;

  constructor(
    private readonly source: string,
    private readonly maxDepth: number,
  ) {
    this.lines = new LineIndex(source);
    this.tokens = this.tokenize();
  }

  parseWhole(): Expr {
    if (this.peek().kind === 'end') {
      this.fail('Empty query, expected a qastle expression', this.peek());
    }

    const tree = this.parseWithStackGuard();
    const extra = this.peek();
    if (extra.kind !== 'end') {
      this.fail(`Unexpected ${describe(extra)} after the end of the qastle expression`, extra);
    }
    return tree;
  }

  /** Parses the top node, turning a stack overflow (possible only with a huge maxDepth) into a QuerySyntaxError. */
  private parseWithStackGuard(): Expr {
    try {
      return this.parseNode();
    } catch (error) {
      if (isStackOverflow(error)) {
        this.fail(STACK_EXHAUSTED_MESSAGE, this.peek());
      }
      throw error;
    }
  }

  // Tokens

  private tokenize(): QastleToken[] {
    const tokens: QastleToken[] = [];
    const pattern = /\s+|\(|\)|'(?:[^'\\\n]|\\[^])*'?|"(?:[^"\\\n]|\\[^])*"?|[^\s()'"]+/gy;
    for (let match = pattern.exec(this.source); match; match = pattern.exec(this.source)) {
      const text = match[0];
      const start = match.index;
      const end = start + text.length;
      if (text === '(' || text === ')') {
        tokens.push({ kind: text === '(' ? 'open' : 'close', text, start, end });
      } else if (!/^\s/.test(text)) {
        tokens.push({ kind: 'atom', text, start, end });
      }
    }

    const length = this.source.length;
    tokens.push({ kind: 'end', text: '', start: length, end: length });
    return tokens;
  }

  private peek(): QastleToken {
    return this.tokens[this.index];
  }

  private advance(): QastleToken {
    const token = this.tokens[this.index];
    this.index = Math.min(this.index + 1, this.tokens.length - 1);
    return token;
  }

  private fail(message: string, at: QastleToken | number): never {
    const offset = typeof at === 'number' ? at : at.start;
    throw new QuerySyntaxError(message, this.lines.positionOf(offset), this.source);
  }

  private spanOf(start: number, end: number): Span {
    return { start: this.lines.positionOf(start), end: this.lines.positionOf(end) };
  }

  // Nodes

  private parseNode(): Expr {
    const token = this.peek();
    if (token.kind === 'open') {
      return this.parseComposite();
    }
    if (token.kind === 'atom') {
      this.advance();
      return this.parseAtom(token);
    }
    return this.fail(`Unexpected ${describe(token)}, expected a qastle expression`, token);
  }

  private parseComposite(): Expr {
    const open = this.advance();
    if (this.depth >= this.maxDepth) {
      this.fail(nestingLimitMessage(this.maxDepth), open);
    }

    this.depth++;
    const head = this.advance();
    if (head.kind !== 'atom') {
      this.fail(`Expected a node type after '(', found ${describe(head)}`, head);
    }
    const fields: Expr[] = [];
    while (this.peek().kind === 'open' || this.peek().kind === 'atom') {
      fields.push(this.parseNode());
    }
    this.depth--;

    const close = this.advance();
    if (close.kind !== 'close') {
      const where = this.lines.positionOf(open.start);
      this.fail(
        `Expected ')' to close '(' at line ${where.line}, column ${where.column}, found ${describe(close)}`,
        close,
      );
    }
    return this.buildComposite(head, fields, this.spanOf(open.start, close.end));
  }

  private parseAtom(token: QastleToken): Expr {
    const span = this.spanOf(token.start, token.end);
    const text = token.text;
    if (text.startsWith("'") || text.startsWith('"')) {
      return { kind: 'string', value: this.decodeLiteral(token, 0).stringValue as string, span };
    }
    if (NUMBER_PATTERN.test(text)) {
      return this.parseNumberAtom(token, span);
    }
    if (text === 'True' || text === 'False') {
      return { kind: 'boolean', value: text === 'True', span };
    }
    if (text === 'None') {
      return { kind: 'none', span };
    }
    if (KEYWORDS.has(text)) {
      this.fail(`Reserved word '${text}' cannot be a name, use it only as a node type`, token);
    }
    if (!NAME_PATTERN.test(text)) {
      this.fail(`Invalid qastle atom '${text}', expected a name, number or string`, token);
    }
    return { kind: 'name', id: text, span };
  }

  /** Parses `1`, `+1.5` or `-2`. A minus sign gives a unary node, as Python's parser does. */
  private parseNumberAtom(token: QastleToken, span: Span): Expr {
    const sign = token.text[0] === '-' || token.text[0] === '+' ? 1 : 0;
    const decoded = this.decodeLiteral(token, sign);
    if (decoded.kind !== 'number') {
      this.fail(`Invalid number literal '${token.text}'`, token);
    }

    const numberSpan = this.spanOf(token.start + sign, token.end);
    const literal: Expr = {
      kind: 'number',
      value: decoded.numberValue as number,
      isInteger: decoded.isInteger as boolean,
      span: numberSpan,
    };
    return token.text[0] === '-' ? { kind: 'unary', op: '-', operand: literal, span } : literal;
  }

  /** Decodes one Python literal with the Python-form lexer, moving its errors to this text. */
  private decodeLiteral(token: QastleToken, skip: number) {
    const literalText = token.text.slice(skip);
    try {
      const tokens = tokenize(literalText);
      if (tokens.length !== 2) {
        this.fail(`Invalid qastle atom '${token.text}', expected a name, number or string`, token);
      }
      return tokens[0];
    } catch (error) {
      if (error instanceof QuerySyntaxError && error.source === literalText) {
        this.fail(error.message, token.start + skip + error.position.offset);
      }
      throw error;
    }
  }

  // Composite node types

  private buildComposite(head: QastleToken, fields: Expr[], span: Span): Expr {
    const type = head.text;
    const arity = LINQ_OPERATOR_ARITY.get(type);
    if (arity !== undefined) {
      this.expectFieldCount(head, fields, arity + 1);
      const callee: Expr = { kind: 'attribute', object: fields[0], name: type, span };
      return { kind: 'call', callee, args: fields.slice(1), keywords: [], span };
    }

    switch (type) {
      case 'list':
        return { kind: 'list', elements: fields, span };
      case 'dict':
        return this.buildDict(head, fields, span);
      case 'attr':
        return this.buildAttribute(head, fields, span);
      case 'subscript':
        this.expectFieldCount(head, fields, 2);
        return { kind: 'subscript', object: fields[0], index: fields[1], span };
      case 'call':
        this.expectFieldCount(head, fields, 1, 'at least');
        return { kind: 'call', callee: fields[0], args: fields.slice(1), keywords: [], span };
      case 'if':
        this.expectFieldCount(head, fields, 3);
        return { kind: 'conditional', test: fields[0], body: fields[1], orelse: fields[2], span };
      case 'lambda':
        return this.buildLambda(head, fields, span);
      default:
        return this.buildOperator(head, fields, span);
    }
  }

  private expectFieldCount(
    head: QastleToken,
    fields: Expr[],
    count: number,
    relation: 'exactly' | 'at least' = 'exactly',
  ): void {
    const valid = relation === 'exactly' ? fields.length === count : fields.length >= count;
    if (!valid) {
      const plural = count === 1 ? 'field' : 'fields';
      this.fail(
        `'${head.text}' node must have ${relation} ${count} ${plural}, found ${fields.length}`,
        head,
      );
    }
  }

  private buildDict(head: QastleToken, fields: Expr[], span: Span): Expr {
    this.expectFieldCount(head, fields, 2);
    const [keys, values] = fields;
    if (keys.kind !== 'list' || values.kind !== 'list') {
      const bad = keys.kind !== 'list' ? keys : values;
      this.fail(
        `'dict' fields must be '(list ...)' nodes, found ${bad.kind}`,
        bad.span.start.offset,
      );
    }
    if (keys.elements.length !== values.elements.length) {
      this.fail(
        `'dict' node has ${keys.elements.length} keys but ${values.elements.length} values, give one value per key`,
        head,
      );
    }
    return { kind: 'dict', keys: keys.elements, values: values.elements, span };
  }

  private buildAttribute(head: QastleToken, fields: Expr[], span: Span): Expr {
    this.expectFieldCount(head, fields, 2);
    const name = fields[1];
    if (name.kind !== 'string') {
      this.fail(
        `Attribute name must be a string literal, found ${name.kind}`,
        name.span.start.offset,
      );
    }
    return { kind: 'attribute', object: fields[0], name: name.value, span };
  }

  private buildLambda(head: QastleToken, fields: Expr[], span: Span): Expr {
    this.expectFieldCount(head, fields, 2);
    const [params, body] = fields;
    if (params.kind !== 'list') {
      this.fail(
        `Lambda parameters must be a '(list ...)' of names, found ${params.kind}`,
        params.span.start.offset,
      );
    }

    const names: string[] = [];
    for (const param of params.elements) {
      if (param.kind !== 'name') {
        this.fail(`Lambda parameter must be a name, found ${param.kind}`, param.span.start.offset);
      }
      if (names.includes(param.id)) {
        this.fail(`Duplicate lambda parameter '${param.id}'`, param.span.start.offset);
      }
      names.push(param.id);
    }
    return { kind: 'lambda', params: names, body, span };
  }

  private buildOperator(head: QastleToken, fields: Expr[], span: Span): Expr {
    const type = head.text;
    const isSigned = type === '-' || type === '+';
    if (type === 'not' || type === '~' || (isSigned && fields.length === 1)) {
      this.expectFieldCount(head, fields, 1);
      return { kind: 'unary', op: type as '-', operand: fields[0], span };
    }

    if (type === 'and' || type === 'or') {
      this.expectFieldCount(head, fields, 2);
      return { kind: 'boolop', op: type, values: joinBoolOp(type, fields[0], fields[1]), span };
    }
    if (BINARY_OPERATORS.has(type)) {
      this.expectFieldCount(head, fields, 2);
      return {
        kind: 'binary',
        op: type as BinaryOperator,
        left: fields[0],
        right: fields[1],
        span,
      };
    }
    if (COMPARE_OPERATORS.has(type)) {
      this.expectFieldCount(head, fields, 2);
      const op = type as CompareOperator;
      return { kind: 'compare', left: fields[0], ops: [op], comparators: [fields[1]], span };
    }
    return this.fail(`Unknown qastle node type '${type}'`, head);
  }
}

/**
 * qastle writes `a and b and c` as `(and (and a b) c)`. Folding a left operand of the same
 * operator back into one list gives the tree `parseQuery` builds for `a and b and c`.
 */
function joinBoolOp(op: 'and' | 'or', left: Expr, right: Expr): Expr[] {
  if (left.kind === 'boolop' && left.op === op) {
    return [...left.values, right];
  }
  return [left, right];
}

function describe(token: QastleToken): string {
  if (token.kind === 'end') {
    return 'end of query';
  }
  const text = token.text.length > 40 ? token.text.slice(0, 40) + '...' : token.text;
  return `'${text}'`;
}
