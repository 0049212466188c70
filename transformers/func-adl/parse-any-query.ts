import type { Expr } from './ast.js';
import { parseQuery, type ParseOptions } from './parser.js';
import { parseQastle } from './qastle.js';
import { QuerySyntaxError } from './query-syntax-error.js';

/**
 * Parses a query in either form ServiceX sends: qastle when the first non-space character is
 * `(` and the text parses as qastle, the Python form otherwise. When neither parse succeeds,
 * the error comes from the parse that got further into the text, because that is the form the
 * text most plausibly is. On a tie, qastle's error wins.
 */
export function parseAnyQuery(text: string, options: ParseOptions = {}): Expr {
  if (!text.trimStart().startsWith('(')) {
    return parseQuery(text, options);
  }

  let qastleError: QuerySyntaxError;
  try {
    return parseQastle(text, options);
  } catch (error) {
    if (!(error instanceof QuerySyntaxError)) {
      throw error;
    }
    qastleError = error;
  }

  try {
    return parseQuery(text, options);
  } catch (error) {
    if (!(error instanceof QuerySyntaxError)) {
      throw error;
    }
    throw error.position.offset > qastleError.position.offset ? error : qastleError;
  }
}
