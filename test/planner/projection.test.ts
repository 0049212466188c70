import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import * as pq from 'parquet-wasm/node';
import { describe, expect, it } from 'vitest';
import { datasetSchemaFromArrow, type DatasetSchema } from '../../object-class/dataset/schema.js';
import { parseQuery } from '../../transformers/func-adl/parser.js';
import { explainPlan } from '../../transformers/planner/explain-plan.js';
import { planQuery } from '../../transformers/planner/plan-query.js';

const dataDirectory = process.env.SKYSIFT_SAMPLE_DATA;
const haveData = dataDirectory !== undefined && existsSync(join(dataDirectory, 'adl'));
if (!haveData) {
  console.warn(
    'sample data directory not found: set SKYSIFT_SAMPLE_DATA to the folder holding adl/ to run the projection tests',
  );
}

function sampleSchema(file: string): DatasetSchema {
  const bytes = readFileSync(join(dataDirectory as string, 'adl', file));
  return datasetSchemaFromArrow(tableFromIPC(pq.readParquet(bytes).intoIPCStream()).schema);
}

function columnsRead(schema: DatasetSchema, query: string): string[] {
  const plan = planQuery(parseQuery(query), query, schema, { kind: 'rows' });
  return plan.columns.map((path) => path.join('.'));
}

function exampleQuery(name: string): string {
  return readFileSync(new URL(`../../examples/adl/${name}.py`, import.meta.url), 'utf8');
}

/** Query, columns read in the flat layout, columns read in the nested layout. */
const CASES: [string, string[], string[]][] = [
  ['Select(lambda e: e.MET_pt)', ['MET_pt'], ['MET.pt']],
  ['Select(lambda e: e.MET.pt)', ['MET_pt'], ['MET.pt']],
  ["Select(lambda e: e['MET_pt'])", ['MET_pt'], ['MET.pt']],
  ['Select(lambda e: e.Jet_pt)', ['Jet_pt'], ['Jet.pt']],
  ['Select(lambda e: e.Jet.Select(lambda j: j.eta))', ['Jet_eta'], ['Jet.eta']],
  ['Select(lambda e: e.Jet.Count())', ['Jet_pt'], ['Jet.pt']],
  ['Select(lambda e: e.nJet)', ['nJet'], ['Jet.pt']],
  [
    'Select(lambda e: e.Muon.Select(lambda m: m.ToFourMomentum().pt))',
    ['Muon_pt', 'Muon_eta', 'Muon_phi', 'Muon_mass'],
    ['Muon.pt', 'Muon.eta', 'Muon.phi', 'Muon.mass'],
  ],
  [
    'Where(lambda e: e.HLT.IsoMu24).Select(lambda e: e.PV_npvs)',
    ['HLT_IsoMu24', 'PV_npvs'],
    ['HLT.IsoMu24', 'PV.npvs'],
  ],
];

describe.skipIf(!haveData)('projection pushdown', () => {
  const flat = haveData ? sampleSchema('Run2012B_SingleMu-1000.parquet') : undefined;
  const nested = haveData ? sampleSchema('Run2012B_SingleMu-restructured-1000.parquet') : undefined;

  it.each(CASES)('%s', (query, flatColumns, nestedColumns) => {
    expect(columnsRead(flat!, query)).toEqual(flatColumns);
    expect(columnsRead(nested!, query)).toEqual(nestedColumns);
  });

  it.each([
    ['query-1', ['MET_pt']],
    ['query-2', ['Jet_pt']],
    ['query-3', ['Jet_pt', 'Jet_eta']],
    ['query-4', ['MET_pt', 'Jet_pt']],
    ['query-5', ['Muon_pt', 'Muon_eta', 'Muon_phi', 'Muon_mass', 'Muon_charge', 'MET_pt']],
    ['query-6-2', ['Jet_pt', 'Jet_eta', 'Jet_phi', 'Jet_mass', 'Jet_btag']],
    [
      'query-8',
      [
        'Muon_pt',
        'Muon_eta',
        'Muon_phi',
        'Muon_mass',
        'Muon_charge',
        'Electron_pt',
        'Electron_eta',
        'Electron_phi',
        'Electron_mass',
        'Electron_charge',
        'MET_pt',
        'MET_phi',
      ],
    ],
  ])('%s reads only what it uses', (name, expected) => {
    expect(columnsRead(flat!, exampleQuery(name))).toEqual(expected);
  });

  it('explains a plan', () => {
    const query = exampleQuery('query-4');
    const plan = planQuery(parseQuery(query), query, flat!, {
      kind: 'histogram',
      bins: 100,
      low: 0,
      high: 2000,
    });
    const text = explainPlan(plan);
    expect(text).toContain('Columns read (2): MET_pt, Jet_pt');
    expect(text).toContain('Where(lambda e: e.Jet.Where(lambda j: j.pt > 40).Count() >= 2)');
    expect(text).toContain('Select(lambda e: e.MET_pt)');
    expect(text).toContain('Output: histogram of 100 bins over [0, 2000)');
  });

  it('normalizes the chain to bare operators', () => {
    const query = "EventDataset('x').Select(lambda e: e.MET_pt)";
    const plan = planQuery(parseQuery(query), query, flat!, { kind: 'rows' });
    expect(plan.tree.kind).toBe('call');
    const callee = plan.tree.kind === 'call' ? plan.tree.callee : undefined;
    expect(callee?.kind).toBe('name');
  });
});
