import type { Expr } from './ast.js';
import { describeLocation, describeToken } from './describe-token.js';
import type { Token } from './lexer.js';
import { TokenCursor } from './token-cursor.js';

const CLOSING_BRACKETS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

/**
 * The atoms of the Python-form grammar: literals, names, and bracketed tuples, lists and
 * dictionaries, whose elements `parseExpression` of the subclass parses.
 */
export abstract class AtomParser extends TokenCursor {
  protected abstract parseExpression(): Expr;

  protected expectClosing(open: Token): void {
    const close = CLOSING_BRACKETS[open.text];
    if (this.isOperator(close)) {
      this.advance();
      return;
    }

    const found = this.peek();
    if (found.kind === 'name' && found.text === 'for') {
      this.fail("Unsupported comprehension, use 'Select' and 'Where' instead of 'for'", found);
    }
    this.fail(
      `Expected '${close}' to close '${open.text}' at ${describeLocation(open)}, found ${describeToken(found)}`,
      found,
    );
  }

  // Atoms

  protected parseAtom(): Expr {
    const token = this.peek();
    switch (token.kind) {
      case 'number':
        this.advance();
        return {
          kind: 'number',
          value: token.numberValue as number,
          isInteger: token.isInteger as boolean,
          span: this.spanFrom(token.start),
        };
      case 'string':
        return this.parseStrings();
      case 'name':
        this.advance();
        return { kind: 'name', id: token.text, span: this.spanFrom(token.start) };
      case 'keyword':
        return this.parseKeywordAtom(token);
      case 'operator':
        return this.parseBracketAtom(token);
      default:
        return this.fail('Unexpected end of query, expected an expression', token);
    }
  }

  /** Concatenates adjacent string literals, as Python does: `'a' 'b'` is `'ab'`. */
  private parseStrings(): Expr {
    const start = this.peek().start;
    let value = '';
    while (this.peek().kind === 'string') {
      value += this.advance().stringValue as string;
    }
    return { kind: 'string', value, span: this.spanFrom(start) };
  }

  private parseKeywordAtom(token: Token): Expr {
    if (token.text === 'True' || token.text === 'False') {
      this.advance();
      return { kind: 'boolean', value: token.text === 'True', span: this.spanFrom(token.start) };
    }
    if (token.text === 'None') {
      this.advance();
      return { kind: 'none', span: this.spanFrom(token.start) };
    }
    if (token.text === 'lambda' || token.text === 'not') {
      this.fail(
        `Unexpected token '${token.text}', wrap the '${token.text}' expression in parentheses`,
        token,
      );
    }
    return this.fail(`Unexpected token '${token.text}', expected an expression`, token);
  }

  private parseBracketAtom(token: Token): Expr {
    if (token.text === '(') {
      return this.parseParenthesized();
    }
    if (token.text === '[') {
      return this.parseList();
    }
    if (token.text === '{') {
      return this.parseDict();
    }
    return this.fail(`Unexpected token '${token.text}', expected an expression`, token);
  }

  /** Parses `(x)`, `()`, `(x,)` and `(x, y)`. The span of `(x)` includes the parentheses. */
  private parseParenthesized(): Expr {
    const open = this.advance();
    const elements: Expr[] = [];
    let isTuple = false;
    while (!this.isOperator(')')) {
      elements.push(this.parseExpression());
      if (!this.isOperator(',')) {
        break;
      }
      isTuple = true;
      this.advance();
    }

    this.expectClosing(open);
    const span = this.spanFrom(open.start);
    if (isTuple || elements.length === 0) {
      return { kind: 'tuple', elements, span };
    }
    return { ...elements[0], span };
  }

  private parseList(): Expr {
    const open = this.advance();
    const elements: Expr[] = [];
    while (!this.isOperator(']')) {
      elements.push(this.parseExpression());
      if (!this.isOperator(',')) {
        break;
      }
      this.advance();
    }

    this.expectClosing(open);
    return { kind: 'list', elements, span: this.spanFrom(open.start) };
  }

  private parseDict(): Expr {
    const open = this.advance();
    const keys: Expr[] = [];
    const values: Expr[] = [];
    while (!this.isOperator('}')) {
      keys.push(this.parseExpression());
      this.expectColonAfterKey();
      values.push(this.parseExpression());
      if (!this.isOperator(',')) {
        break;
      }
      this.advance();
    }

    this.expectClosing(open);
    return { kind: 'dict', keys, values, span: this.spanFrom(open.start) };
  }

  private expectColonAfterKey(): void {
    const token = this.peek();
    if (this.isOperator(':')) {
      this.advance();
      return;
    }
    this.fail(`Expected ':' after dictionary key, found ${describeToken(token)}`, token);
  }
}
