import type { Position, Span } from './ast.js';
import type { Token } from './lexer.js';
import { nestingLimitMessage } from './query-limits.js';
import { QuerySyntaxError } from './query-syntax-error.js';

/**
 * Position in a token list, with the helpers a recursive-descent parser needs: lookahead,
 * errors at a token, spans, and a nesting counter bounded by `maxDepth`.
 */
export abstract class TokenCursor {
  protected index = 0;
  protected depth = 0;

  constructor(
    protected readonly source: string,
    protected readonly tokens: Token[],
    protected readonly maxDepth: number,
  ) {}

  protected peek(ahead = 0): Token {
    return this.tokens[Math.min(this.index + ahead, this.tokens.length - 1)];
  }

  protected advance(): Token {
    const token = this.peek();
    this.index = Math.min(this.index + 1, this.tokens.length - 1);
    return token;
  }

  protected previousEnd(): Position {
    return this.tokens[Math.max(0, this.index - 1)].end;
  }

  protected isOperator(text: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.kind === 'operator' && token.text === text;
  }

  protected isKeyword(text: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token.kind === 'keyword' && token.text === text;
  }

  protected fail(message: string, token: Token): never {
    throw new QuerySyntaxError(message, token.start, this.source);
  }

  protected spanFrom(start: Position): Span {
    return { start, end: this.previousEnd() };
  }

  /** Runs `parse` one nesting level deeper, failing at the current token past the limit. */
  protected nested<T>(parse: () => T): T {
    if (this.depth >= this.maxDepth) {
      this.fail(nestingLimitMessage(this.maxDepth), this.peek());
    }

    this.depth++;
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }
}
