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
    const { text, caretColumn } = clipLine(
      lines[this.position.line - 1] ?? '',
      this.position.column,
    );
    const caret = ' '.repeat(Math.max(0, caretColumn - 1)) + '^';
    return `line ${this.position.line}, column ${this.position.column}: ${this.message}\n  ${text}\n  ${caret}`;
  }
}

/** Characters of the query line that `format()` shows around the error column at most. */
export const MAX_SHOWN_LINE_CHARS = 120;

/**
 * Cuts a long line to a window around `column`, marking cut ends with '...', so that an error
 * about a long one-line query stays short. Returns the window and the caret's column in it.
 */
function clipLine(line: string, column: number): { text: string; caretColumn: number } {
  if (line.length <= MAX_SHOWN_LINE_CHARS) return { text: line, caretColumn: column };

  const half = MAX_SHOWN_LINE_CHARS / 2;
  const start = Math.max(0, Math.min(column - 1 - half, line.length - MAX_SHOWN_LINE_CHARS));
  const end = start + MAX_SHOWN_LINE_CHARS;
  const prefix = start > 0 ? '...' : '';
  const suffix = end < line.length ? '...' : '';
  return {
    text: prefix + line.slice(start, end) + suffix,
    caretColumn: column - start + prefix.length,
  };
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
