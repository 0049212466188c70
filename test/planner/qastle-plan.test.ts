import { describe, expect, it } from 'vitest';
import type { DatasetSchema } from '../../object-class/dataset/schema.js';
import { parseAnyQuery } from '../../transformers/func-adl/parse-any-query.js';
import { checkQuery } from '../../transformers/planner/check-query.js';
import { planQuery } from '../../transformers/planner/plan-query.js';

const SCHEMA: DatasetSchema = {
  fields: [
    { name: 'MET_pt', type: { kind: 'primitive', name: 'float32' } },
    { name: 'nJet', type: { kind: 'primitive', name: 'int64' } },
    { name: 'Jet_pt', type: { kind: 'list', element: { kind: 'primitive', name: 'float32' } } },
  ],
};

const PYTHON = "EventDataset('x').Where(lambda e: e.nJet > 2).Select(lambda e: e.MET_pt)";
const FORMS = {
  'python free function':
    "Select(Where(EventDataset('x'), lambda e: e.nJet > 2), lambda e: e.MET_pt)",
  'qastle call':
    "(call Select (call Where (call EventDataset 'x') (lambda (list e) (> (attr e 'nJet') 2))) (lambda (list e) (attr e 'MET_pt')))",
  'qastle call attr':
    "(call (attr (call (attr (call EventDataset 'x') 'Where') (lambda (list e) (> (attr e 'nJet') 2))) 'Select') (lambda (list e) (attr e 'MET_pt')))",
  'qastle shorthand':
    "(Select (Where (call EventDataset 'x') (lambda (list e) (> (attr e 'nJet') 2))) (lambda (list e) (attr e 'MET_pt')))",
};

/** Plans a query and drops what depends on the text: spans and the text itself. */
function planOf(text: string) {
  const plan = planQuery(parseAnyQuery(text), text, SCHEMA, {
    kind: 'histogram',
    bins: 10,
    low: 0,
    high: 100,
  });
  return JSON.parse(
    JSON.stringify({ ...plan, query: '' }, (key, value) => (key === 'span' ? undefined : value)),
  );
}

describe('query forms', () => {
  const expected = planOf(PYTHON);
  for (const [name, text] of Object.entries(FORMS)) {
    it(`${name} plans like the method chain`, () => {
      expect(planOf(text)).toEqual(expected);
    });
  }
});

describe('power typing', () => {
  const itemType = (expr: string) => {
    const text = `Select(lambda e: ${expr})`;
    return checkQuery(parseAnyQuery(text), text, SCHEMA).itemType.kind;
  };

  it('keeps int for a non-negative literal exponent', () => {
    expect(itemType('e.nJet ** 2')).toBe('int');
  });

  it('gives float for a negative exponent', () => {
    expect(itemType('2 ** -1')).toBe('float');
  });

  it('gives float for a computed exponent', () => {
    expect(itemType('2 ** e.nJet')).toBe('float');
  });
});
