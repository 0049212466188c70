import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Expr } from '../../transformers/func-adl/ast.js';
import { formatQuery } from '../../transformers/func-adl/format-query.js';
import { parseAnyQuery } from '../../transformers/func-adl/parse-any-query.js';
import { parseQastle } from '../../transformers/func-adl/qastle.js';
import { parseQuery } from '../../transformers/func-adl/parser.js';
import { toQastle } from '../../transformers/func-adl/to-qastle.js';
import { validateQueryTree } from '../../transformers/func-adl/validate-query-tree.js';
import { treeArbitrary } from '../func-adl/tree-arbitrary.js';
import { REPO_ROOT } from '../support/run-cli.js';

/** Checks that JSON keeps every number of the tree, because it writes Infinity (from 1e400) as null. */
function survivesJson(tree: unknown): boolean {
  let finite = true;
  JSON.stringify(tree, (_key, value: unknown) => {
    if (typeof value === 'number' && !Number.isFinite(value)) finite = false;
    return value;
  });
  return finite;
}

/** Sends the tree through JSON, as a storage node receives it. */
function overTheWire(tree: Expr): unknown {
  return JSON.parse(JSON.stringify(tree));
}

describe('validateQueryTree on parsed queries', () => {
  it('accepts every example query', () => {
    const dir = path.join(REPO_ROOT, 'examples', 'adl');
    const files = readdirSync(dir).filter((name) => name.endsWith('.py'));
    expect(files.length).toBeGreaterThan(0);
    for (const name of files) {
      const tree = parseAnyQuery(readFileSync(path.join(dir, name), 'utf8'));
      expect(() => validateQueryTree(overTheWire(tree)), name).not.toThrow();
    }
  });

  it('accepts random Python-form trees', () => {
    fc.assert(
      fc.property(treeArbitrary({ pythonOnly: true }), (bare) => {
        fc.pre(survivesJson(bare));
        const tree = parseQuery(formatQuery(bare as unknown as Expr), { maxDepth: 1000 });
        validateQueryTree(overTheWire(tree));
      }),
      { numRuns: 300 },
    );
  });

  it('accepts random qastle trees', () => {
    fc.assert(
      fc.property(treeArbitrary({ pythonOnly: false }), (bare) => {
        fc.pre(survivesJson(bare));
        const tree = parseQastle(toQastle(bare as unknown as Expr), { maxDepth: 1000 });
        validateQueryTree(overTheWire(tree));
      }),
      { numRuns: 300 },
    );
  });

  it('rejects each field of the wrong type', () => {
    const tree = parseQuery("Select(lambda e: {'a': -e.x[0] + 1 < 2 and not e.y, 'b': [1.5]})");
    const json = JSON.stringify(tree);
    const swaps: [string, string][] = [
      ['"kind":"dict"', '"kind":"set"'],
      ['"op":"+"', '"op":"<<"'],
      ['"op":"-"', '"op":"neg"'],
      ['"op":"and"', '"op":"xor"'],
      ['"ops":["<"]', '"ops":["<","<"]'],
      ['"params":["e"]', '"params":[1]'],
      ['"id":"e"', '"id":null'],
      ['"value":1.5', '"value":"1.5"'],
      ['"isInteger":true', '"isInteger":"yes"'],
      ['"keywords":[]', '"keywords":[{"name":1}]'],
      ['"line":1', '"line":-1'],
    ];
    for (const [from, to] of swaps) {
      expect(json, from).toContain(from);
      expect(() => validateQueryTree(JSON.parse(json.replace(from, to))), to).toThrow(TypeError);
    }
  });
});
