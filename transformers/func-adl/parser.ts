/**
 * Parser for func_adl queries written in Python expression syntax.
 *
 * Technique: recursive descent for the atoms and the postfix chain (call, attribute, subscript),
 * and precedence climbing for the operators. One table, `INFIX_OPERATORS`, gives each binary
 * operator its precedence and associativity. `parseOperators(minimum)` reads an operand, then
 * keeps absorbing operators whose precedence is at least `minimum`, parsing each right operand
 * at one level higher (left associative) or at the unary level (`**`, right associative, which
 * also lets `2 ** -1` parse as in Python). Comparisons form one chained `compare` node and
 * `and`/`or` runs form one `boolop` node, as in Python's `ast` module. Prefix operators (`not`,
 * unary `- + ~`) parse their operand at their own level, so `-2 ** 2` is `-(2 ** 2)` and
 * `not a == b` is `not (a == b)`.
 *
 * Every nested construct (bracket contents, lambda bodies, `else` branches, prefix operators,
 * `**` operands) counts one level towards `maxDepth`, so deeply nested input fails fast instead
 * of exhausting the stack. Long flat chains (`a + b + ...`, `e.a.b...`) parse in loops and are
 * bounded by `maxTreeHeight` instead. Each node's span runs from its first to its last token;
 * for a parenthesized expression, the span includes the parentheses.
 */
import type { BinaryOperator, CompareOperator, Expr } from './ast.js';
import {
  abbreviate,
  describeLocation,
  describeToken,
  describeUnexpected,
} from './describe-token.js';
import { tokenize, type Token } from './lexer.js';
import {
  INFIX_OPERATORS,
  PRECEDENCE,
  UNSUPPORTED_OPERATORS,
  type InfixOperator,
} from './operator-table.js';
import {
  checkQuerySize,
  checkTreeHeight,
  isStackOverflow,
  MAX_NESTING_DEPTH,
  MAX_QUERY_BYTES,
  MAX_TREE_HEIGHT,
  STACK_EXHAUSTED_MESSAGE,
  type ParseOptions,
} from './query-limits.js';
import { AtomParser } from './atom-parser.js';

export { MAX_NESTING_DEPTH, MAX_QUERY_BYTES, MAX_TREE_HEIGHT, type ParseOptions };

/**
 * Parses a func_adl query in Python expression syntax into a syntax tree. The whole text must
 * be one expression. Throws QuerySyntaxError, with the position of the offending token, for
 * invalid syntax and for text over the size, nesting or tree height limits.
 */
export function parseQuery(text: string, options: ParseOptions = {}): Expr {
  const maxQueryBytes = options.maxQueryBytes ?? MAX_QUERY_BYTES;
  checkQuerySize(text, maxQueryBytes);

  const parser = new Parser(text, tokenize(text), options.maxDepth ?? MAX_NESTING_DEPTH);
  const tree = parser.parseWhole();
  checkTreeHeight(text, tree, options.maxTreeHeight ?? MAX_TREE_HEIGHT);
  return tree;
}

class Parser extends AtomParser {
  parseWhole(): Expr {
    const tree = this.parseWithStackGuard();
    const token = this.peek();
    if (token.kind === 'end') {
      return tree;
    }

    if (token.text === ',') {
      this.fail("Unexpected token ',', wrap a tuple in parentheses", token);
    }
    if (token.text === '=') {
      this.fail("Unexpected token '=', use '==' to compare values", token);
    }
    return this.fail(
      `${describeUnexpected(token)}, expected an operator or the end of the query`,
      token,
    );
  }

  /**
   * Parses the expression, turning a stack overflow into a QuerySyntaxError. The depth limit
   * normally stops recursion long before the stack runs out, unless `maxDepth` is set very high.
   */
  private parseWithStackGuard(): Expr {
    try {
      return this.parseExpression();
    } catch (error) {
      if (isStackOverflow(error)) {
        this.fail(STACK_EXHAUSTED_MESSAGE, this.peek());
      }
      throw error;
    }
  }

  // Expressions: lambda and conditional, the two lowest levels

  protected parseExpression(): Expr {
    return this.nested(() => {
      if (this.isKeyword('lambda')) {
        return this.parseLambda();
      }

      const body = this.parseOperators(PRECEDENCE.or);
      if (!this.isKeyword('if')) {
        return body;
      }
      return this.parseConditional(body);
    });
  }

  private parseLambda(): Expr {
    const lambdaToken = this.advance();
    const params = this.parseLambdaParameters();
    const body = this.parseExpression();
    return { kind: 'lambda', params, body, span: this.spanFrom(lambdaToken.start) };
  }

  private parseLambdaParameters(): string[] {
    const params: string[] = [];
    while (!this.isOperator(':')) {
      const token = this.advance();
      if (token.kind !== 'name') {
        this.fail(`Lambda parameter must be a name, found ${describeToken(token)}`, token);
      }
      if (params.includes(token.text)) {
        this.fail(`Duplicate lambda parameter '${token.text}'`, token);
      }
      params.push(token.text);

      if (this.isOperator(',')) {
        this.advance();
      } else if (!this.isOperator(':')) {
        const found = this.peek();
        this.fail(`Expected ':' after lambda parameters, found ${describeToken(found)}`, found);
      }
    }
    this.advance();
    return params;
  }

  private parseConditional(body: Expr): Expr {
    const ifToken = this.advance();
    const test = this.parseOperators(PRECEDENCE.or);
    if (!this.isKeyword('else')) {
      const found = this.peek();
      this.fail(
        `Expected 'else' to complete the conditional expression started by 'if' at ` +
          `${describeLocation(ifToken)}, found ${describeToken(found)}`,
        found,
      );
    }

    this.advance();
    const orelse = this.parseExpression();
    return { kind: 'conditional', test, body, orelse, span: this.spanFrom(body.span.start) };
  }

  // Operators, by precedence climbing

  private parseOperators(minimum: number): Expr {
    let left = this.parsePrefix(minimum);
    for (;;) {
      const token = this.peek();
      const operator = token.kind === 'end' ? undefined : INFIX_OPERATORS.get(token.text);
      if (operator === undefined || operator.precedence < minimum) {
        this.rejectUnsupportedOperator(token);
        return left;
      }
      if (!this.isInfixToken(token)) {
        return left;
      }

      if (operator.kind === 'compare') {
        left = this.parseComparison(left);
      } else if (operator.kind === 'boolop') {
        left = this.parseBoolOp(left, token.text as 'and' | 'or', operator.precedence);
      } else {
        left = this.parseBinary(left, operator);
      }
    }
  }

  /** Checks that an operator table entry is infix here, because `not` is infix only in `not in`. */
  private isInfixToken(token: Token): boolean {
    if (token.kind === 'keyword') {
      return token.text !== 'not' || this.isKeyword('in', 1);
    }
    return token.kind === 'operator';
  }

  private rejectUnsupportedOperator(token: Token): void {
    if (token.kind === 'operator' && UNSUPPORTED_OPERATORS.has(token.text)) {
      this.fail(
        `Unsupported operator '${token.text}' in a func_adl query, rewrite the expression without it`,
        token,
      );
    }
  }

  private parseBinary(left: Expr, operator: InfixOperator): Expr {
    const token = this.advance();
    const right =
      operator.associativity === 'right'
        ? this.nested(() => this.parseOperators(PRECEDENCE.unary))
        : this.parseOperators(operator.precedence + 1);

    return {
      kind: 'binary',
      op: token.text as BinaryOperator,
      left,
      right,
      span: this.spanFrom(left.span.start),
    };
  }

  private parseBoolOp(left: Expr, op: 'and' | 'or', precedence: number): Expr {
    const values = [left];
    while (this.isKeyword(op)) {
      this.advance();
      values.push(this.parseOperators(precedence + 1));
    }
    return { kind: 'boolop', op, values, span: this.spanFrom(left.span.start) };
  }

  private parseComparison(left: Expr): Expr {
    const ops: CompareOperator[] = [];
    const comparators: Expr[] = [];
    for (;;) {
      const op = this.readComparisonOperator();
      if (op === undefined) {
        break;
      }
      ops.push(op);
      comparators.push(this.parseOperators(PRECEDENCE.compare + 1));
    }
    return { kind: 'compare', left, ops, comparators, span: this.spanFrom(left.span.start) };
  }

  private readComparisonOperator(): CompareOperator | undefined {
    const token = this.peek();
    if (token.kind === 'keyword' && token.text === 'is') {
      const negated = this.isKeyword('not', 1) ? ' not' : '';
      const replacement = negated ? '!=' : '==';
      this.fail(
        `Unsupported operator 'is${negated}' in a func_adl query, use '${replacement}' instead`,
        token,
      );
    }
    if (this.isKeyword('not') && this.isKeyword('in', 1)) {
      this.advance();
      this.advance();
      return 'not in';
    }

    const operator = INFIX_OPERATORS.get(token.text);
    if (operator?.kind !== 'compare' || !this.isInfixToken(token)) {
      return undefined;
    }
    this.advance();
    return token.text as CompareOperator;
  }

  /** Parses a prefix operator and its operand. `not` binds looser than the arithmetic operators. */
  private parsePrefix(minimum: number): Expr {
    const token = this.peek();
    if (token.kind === 'keyword' && token.text === 'not') {
      if (minimum > PRECEDENCE.not) {
        this.fail("Unexpected token 'not', wrap the 'not' expression in parentheses", token);
      }
      this.advance();
      const operand = this.nested(() => this.parseOperators(PRECEDENCE.not));
      return { kind: 'unary', op: 'not', operand, span: this.spanFrom(token.start) };
    }

    if (
      token.kind === 'operator' &&
      (token.text === '-' || token.text === '+' || token.text === '~')
    ) {
      this.advance();
      const operand = this.nested(() => this.parseOperators(PRECEDENCE.unary));
      return { kind: 'unary', op: token.text, operand, span: this.spanFrom(token.start) };
    }
    return this.parsePostfix();
  }

  // Postfix chain: call, attribute, subscript

  private parsePostfix(): Expr {
    let expr = this.parseAtom();
    for (;;) {
      if (this.isOperator('.')) {
        expr = this.parseAttribute(expr);
      } else if (this.isOperator('(')) {
        expr = this.parseCall(expr);
      } else if (this.isOperator('[')) {
        expr = this.parseSubscript(expr);
      } else {
        return expr;
      }
    }
  }

  private parseAttribute(object: Expr): Expr {
    this.advance();
    const token = this.advance();
    if (token.kind !== 'name') {
      this.fail(`Expected an attribute name after '.', found ${describeToken(token)}`, token);
    }
    return { kind: 'attribute', object, name: token.text, span: this.spanFrom(object.span.start) };
  }

  private parseSubscript(object: Expr): Expr {
    const open = this.advance();
    const index = this.parseSubscriptIndex();
    this.expectClosing(open);
    return { kind: 'subscript', object, index, span: this.spanFrom(object.span.start) };
  }

  private parseSubscriptIndex(): Expr {
    this.rejectSlice();
    const first = this.parseExpression();
    if (!this.isOperator(',')) {
      this.rejectSlice();
      return first;
    }

    const elements = [first];
    while (this.isOperator(',')) {
      this.advance();
      if (this.isOperator(']')) {
        break;
      }
      elements.push(this.parseExpression());
    }
    return { kind: 'tuple', elements, span: this.spanFrom(first.span.start) };
  }

  private rejectSlice(): void {
    if (this.isOperator(':')) {
      this.fail('Unsupported slice in subscript, index with a single expression', this.peek());
    }
  }

  private parseCall(callee: Expr): Expr {
    const open = this.advance();
    const args: Expr[] = [];
    const keywords: { name: string; value: Expr }[] = [];
    while (!this.isOperator(')')) {
      this.parseArgument(args, keywords);
      if (!this.isOperator(',')) {
        break;
      }
      this.advance();
    }

    this.expectClosing(open);
    return { kind: 'call', callee, args, keywords, span: this.spanFrom(callee.span.start) };
  }

  private parseArgument(args: Expr[], keywords: { name: string; value: Expr }[]): void {
    const token = this.peek();
    if (token.kind === 'name' && this.isOperator('=', 1)) {
      if (keywords.some((keyword) => keyword.name === token.text)) {
        this.fail(`Keyword argument '${token.text}' repeated`, token);
      }
      this.advance();
      this.advance();
      keywords.push({ name: token.text, value: this.parseExpression() });
      return;
    }

    const value = this.parseExpression();
    if (this.isOperator('=')) {
      const text = this.source.slice(value.span.start.offset, value.span.end.offset);
      this.fail(
        `Invalid keyword argument name '${abbreviate(text)}', a keyword argument name must be a plain name`,
        token,
      );
    }
    if (keywords.length > 0) {
      this.fail('Positional argument follows keyword argument', token);
    }
    args.push(value);
  }
}
