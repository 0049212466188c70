import type { Expr, Position, Span } from '../func-adl/ast.js';
import { QuerySyntaxError, positionAt } from '../func-adl/query-syntax-error.js';
import type { DatasetView } from './dataset-view.js';
import { formatType, type QueryType } from './query-type.js';
import type { TypedExpr, TypedLambda } from './typed-tree.js';

/** A lambda parameter in scope, linked to the scopes around it. */
export interface Scope {
  name: string;
  id: number;
  type: QueryType;
  parent: Scope | undefined;
}

/** Finds the innermost parameter called `name`. */
export function lookupScope(scope: Scope | undefined, name: string): Scope | undefined {
  for (let s = scope; s; s = s.parent) if (s.name === name) return s;
  return undefined;
}

/** Lists the parameter names visible in `scope`, innermost first. */
export function scopeNames(scope: Scope | undefined): string[] {
  const names: string[] = [];
  for (let s = scope; s; s = s.parent) names.push(s.name);
  return names;
}

/** Checks one expression in a scope; supplied by the expression checker. */
export type CheckFunction = (
  context: CheckContext,
  node: Expr,
  scope: Scope | undefined,
) => TypedExpr;

/** State shared while checking one query: its text, the dataset view and the parameter counter. */
export class CheckContext {
  private nextParamId = 0;

  constructor(
    readonly text: string,
    readonly view: DatasetView,
    private readonly checkNode: CheckFunction,
  ) {}

  /**
   * Throws a QuerySyntaxError positioned at `node`: at the name of an attribute or of a called
   * method, at the index of a subscript, otherwise at the start of the node.
   */
  fail(node: { span: Span } | Expr, message: string): never {
    throw new QuerySyntaxError(message, this.focus(node), this.text);
  }

  private focus(node: { span: Span } | Expr): Position {
    const expr = node as Expr;
    const target = expr.kind === 'call' && expr.callee.kind === 'attribute' ? expr.callee : expr;
    if (target.kind === 'attribute')
      return positionAt(this.text, target.span.end.offset - target.name.length);
    if (target.kind === 'subscript') return target.index.span.start;
    return node.span.start;
  }

  /** Checks `node` and returns its typed tree. */
  check(node: Expr, scope: Scope | undefined): TypedExpr {
    return this.checkNode(this, node, scope);
  }

  /** Checks `node` and requires its type to be `bool`. */
  checkBool(node: Expr, scope: Scope | undefined, role: string): TypedExpr {
    const typed = this.check(node, scope);
    if (typed.type.kind !== 'bool') {
      this.fail(
        node,
        `${role} must be bool; got ${formatType(typed.type)}: compare it, as in 'x > 0'`,
      );
    }
    return typed;
  }

  /**
   * Checks that `node` is a lambda taking `paramTypes.length` parameters, binds them to
   * `paramTypes` and checks its body.
   */
  checkLambda(
    node: Expr,
    paramTypes: QueryType[],
    operator: string,
    scope: Scope | undefined,
  ): TypedLambda {
    const count = paramTypes.length;
    const expected = `a lambda with ${count} parameter${count === 1 ? '' : 's'}`;
    if (node.kind !== 'lambda') {
      this.fail(node, `${operator} needs ${expected}, as in '${operator}(lambda x: ...)'`);
    }
    if (node.params.length !== count) {
      this.fail(node, `${operator} needs ${expected}; this lambda has ${node.params.length}`);
    }

    const params: number[] = [];
    let inner = scope;
    node.params.forEach((name, i) => {
      const id = this.nextParamId++;
      params.push(id);
      inner = { name, id, type: paramTypes[i], parent: inner };
    });
    return { params, body: this.check(node.body, inner) };
  }

  /** Allocates a parameter id for a lambda the checker builds itself. */
  newParamId(): number {
    return this.nextParamId++;
  }
}
