import type { Position } from './ast.js';

/**
 * An error in query text: a syntax error, or a type or name error found before any data is
 * read. The message names the problem; `format()` adds the line, column and a caret.
 */
export class QuerySyntaxError extends SyntaxError {
  readonly position: Position;
  readonly source: string;

  constructor(message: string, position: Position, source: string) {
    super(message);
    this.name = 'QuerySyntaxError';
    this.position = position;
    this.source = source;
  }

  /** Renders `line L, column C: message`, the query line, and a caret under column C. */
  format(): string {
    const lines = this.source.split('\n');
    const text = lines[this.position.line - 1] ?? '';
    const caret = ' '.repeat(Math.max(0, this.position.column - 1)) + '^';
    return `line ${this.position.line}, column ${this.position.column}: ${this.message}\n  ${text}\n  ${caret}`;
  }
}

/** Computes the 1-based line and column of `offset` in `source`. */
export function positionAt(source: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < source.length; i++) {
    if (source.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1, offset };
}
