import { readFileSync } from 'node:fs';
import { parseQuery } from './transformers/func-adl/parser.js';
import { planQuery } from './transformers/planner/plan-query.js';
import { QuerySyntaxError } from './transformers/func-adl/query-syntax-error.js';
import type { DatasetSchema } from './object-class/dataset/schema.js';
const f32 = { kind: 'primitive', name: 'float32' } as const;
const i32 = { kind: 'primitive', name: 'int32' } as const;
const schema: DatasetSchema = { fields: [
  { name: 'MET_pt', type: f32 }, { name: 'MET_phi', type: f32 },
  { name: 'nJet', type: { kind: 'primitive', name: 'int64' } },
  { name: 'Jet_pt', type: { kind: 'list', element: f32 } }, { name: 'Jet_eta', type: { kind: 'list', element: f32 } },
  { name: 'Jet_phi', type: { kind: 'list', element: f32 } }, { name: 'Jet_mass', type: { kind: 'list', element: f32 } },
  { name: 'Jet_puId', type: { kind: 'list', element: { kind: 'primitive', name: 'bool' } } },
  { name: 'Muon_pt', type: { kind: 'list', element: f32 } }, { name: 'Muon_charge', type: { kind: 'list', element: i32 } },
  { name: 'name', type: { kind: 'primitive', name: 'utf8' } },
]};
const queries = process.argv.slice(2).length ? process.argv.slice(2) : readLines();
function readLines() { return readFileSync('/tmp/errq.txt','utf8').trim().split('\n'); }
for (const q of queries) {
  try { planQuery(parseQuery(q), q, schema, { kind: 'histogram', bins: 10, low: 0, high: 1 }); console.log('OK   ', q); }
  catch (e) { if (e instanceof QuerySyntaxError) console.log(JSON.stringify([q, e.message, e.position.column])); else console.log('OTHER', q, String(e)); }
}
