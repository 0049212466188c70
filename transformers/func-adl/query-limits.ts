/**
 * Limits that keep parsing cheap and bounded whatever the input: the size of the query text,
 * the nesting depth of its brackets and operators, and the height of the syntax tree.
 * Both the Python-form parser and the qastle parser apply them.
 */
import type { Expr, Position } from './ast.js';
import { childExpressions } from './child-expressions.js';
import { QuerySyntaxError } from './query-syntax-error.js';

/** Default maximum size of a query's text, in UTF-8 bytes. */
export const MAX_QUERY_BYTES = 65536;

/** Default maximum nesting depth of brackets, lambdas and prefix operators in a query. */
export const MAX_NESTING_DEPTH = 64;

/** Default maximum height of the syntax tree, which long operator and method chains raise. */
export const MAX_TREE_HEIGHT = 2000;

/** Limits on the query text. Each one defaults to the constant of the same name. */
export interface ParseOptions {
  /** Maximum query size in UTF-8 bytes (default MAX_QUERY_BYTES). */
  maxQueryBytes?: number;

  /** Maximum nesting depth (default MAX_NESTING_DEPTH). */
  maxDepth?: number;

  /** Maximum syntax tree height (default MAX_TREE_HEIGHT). */
  maxTreeHeight?: number;
}

/** Throws QuerySyntaxError, pointing at the first character past the limit, when `text` is too big. */
export function checkQuerySize(text: string, maxQueryBytes: number): void {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes <= maxQueryBytes) {
    return;
  }

  const offset = Math.min(text.length, firstOffsetPastBytes(text, maxQueryBytes));
  throw new QuerySyntaxError(
    `Query is ${bytes} bytes, over the limit of ${maxQueryBytes} bytes, ` +
      'shorten the query or raise the maxQueryBytes option (--max-query-bytes)',
    positionOfOffset(text, offset),
    text,
  );
}

function firstOffsetPastBytes(text: string, maxBytes: number): number {
  let bytes = 0;
  let offset = 0;
  for (const char of text) {
    bytes += Buffer.byteLength(char, 'utf8');
    if (bytes > maxBytes) {
      return offset;
    }
    offset += char.length;
  }
  return offset;
}

function positionOfOffset(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  const line = before.split('\n').length;
  return { line, column: offset - lineStart + 1, offset };
}

/** Throws QuerySyntaxError when the tree is higher than `maxTreeHeight`, walking it without recursion. */
export function checkTreeHeight(text: string, tree: Expr, maxTreeHeight: number): void {
  const stack: { node: Expr; height: number }[] = [{ node: tree, height: 1 }];
  while (stack.length > 0) {
    const { node, height } = stack.pop() as { node: Expr; height: number };
    if (height > maxTreeHeight) {
      throw new QuerySyntaxError(
        `Query syntax tree is higher than the limit of ${maxTreeHeight} levels, ` +
          'split long operator or method chains or raise the maxTreeHeight option',
        node.span.start,
        text,
      );
    }
    for (const child of childExpressions(node)) {
      stack.push({ node: child, height: height + 1 });
    }
  }
}

/** Builds the message for a query nested deeper than `maxDepth`. */
export function nestingLimitMessage(maxDepth: number): string {
  return (
    `Query nesting is deeper than the limit of ${maxDepth} levels, ` +
    'simplify the query or raise the maxDepth option (--max-nesting-depth)'
  );
}

/** Message for a stack overflow while parsing, possible only when `maxDepth` is set very high. */
export const STACK_EXHAUSTED_MESSAGE =
  "Query nesting is too deep for the parser's stack, simplify the query or lower the maxDepth option";

/** Checks whether `error` is the RangeError V8 throws when the call stack overflows. */
export function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}
