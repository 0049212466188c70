import type { Token } from './lexer.js';

/** Describes a token for an error message: its quoted text, or `end of query`. */
export function describeToken(token: Token): string {
  if (token.kind === 'end') {
    return 'end of query';
  }
  if (token.kind === 'string') {
    return `string literal ${abbreviate(token.text)}`;
  }
  return `'${abbreviate(token.text)}'`;
}

/** Starts an error message about `token`: `Unexpected token 'x'`, or the kind of literal. */
export function describeUnexpected(token: Token): string {
  if (token.kind === 'end' || token.kind === 'string') {
    return `Unexpected ${describeToken(token)}`;
  }
  return `Unexpected token ${describeToken(token)}`;
}

/** Shortens token text for a message to its first line and at most 40 characters. */
export function abbreviate(text: string): string {
  const firstLine = text.split('\n')[0];
  return firstLine.length > 40 || firstLine !== text ? firstLine.slice(0, 40) + '...' : text;
}

/** Formats the position of `token` for a message: `line 1, column 7`. */
export function describeLocation(token: Token): string {
  return `line ${token.start.line}, column ${token.start.column}`;
}
