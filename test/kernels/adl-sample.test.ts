import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tableFromIPC, type Table } from 'apache-arrow';
import * as pq from 'parquet-wasm/node';
import { describe, expect, it } from 'vitest';
import { datasetSchemaFromArrow } from '../../object-class/dataset/schema.js';
import { compileKernel, type KernelResult } from '../../object-class/kernels/compile-kernel.js';
import type { HistogramPartial } from '../../object-class/kernels/plan.js';
import { parseQuery } from '../../transformers/func-adl/parser.js';
import { planQuery } from '../../transformers/planner/plan-query.js';

const dataDirectory = process.env.SKYSIFT_SAMPLE_DATA;
const haveData = dataDirectory !== undefined && existsSync(join(dataDirectory, 'adl'));
if (!haveData) {
  console.warn(
    'sample data directory not found: set SKYSIFT_SAMPLE_DATA to the folder holding adl/ to run the ADL tests',
  );
}

const LAYOUTS = {
  flat: 'Run2012B_SingleMu-1000.parquet',
  nested: 'Run2012B_SingleMu-restructured-1000.parquet',
};

function readSample(file: string): Table {
  const bytes = readFileSync(join(dataDirectory as string, 'adl', file));
  return tableFromIPC(pq.readParquet(bytes).intoIPCStream());
}

interface AdlQuery {
  text: string;
  bins: number;
  low: number;
  high: number;
}

function readQuery(name: string): AdlQuery {
  const text = readFileSync(new URL(`../../examples/adl/${name}.py`, import.meta.url), 'utf8');
  const [bins, low, high] = (/^# hist: (.*)$/m.exec(text) as RegExpExecArray)[1]
    .split(',')
    .map(Number);
  return { text, bins, low, high };
}

function runQuery(table: Table, query: AdlQuery): KernelResult {
  const schema = datasetSchemaFromArrow(table.schema);
  const output = { kind: 'histogram' as const, bins: query.bins, low: query.low, high: query.high };
  const plan = planQuery(parseQuery(query.text), query.text, schema, output);
  const run = compileKernel(plan, schema).start();
  for (const batch of table.batches) run.consume(batch);
  return run.finish();
}

/** Formats the non-empty bins as the reference CSV files do: `x,y` with centres to 6 decimals. */
function histogramRows(histogram: HistogramPartial): string[] {
  const width = (histogram.high - histogram.low) / histogram.bins;
  return histogram.counts.flatMap((count, bin) => {
    if (count === 0) return [];
    const centre = histogram.low + (bin - 0.5) * width;
    return [`${centre.toFixed(6)},${count}`];
  });
}

function referenceRows(name: string): string[] {
  const text = readFileSync(join(dataDirectory as string, 'adl', 'refs', `${name}.csv`), 'utf8');
  return text
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [x, y] = line.split(',');
      return `${Number(x).toFixed(6)},${Number(y)}`;
    });
}

/** Fills a histogram with the reference convention, for the independent per-event loops. */
function fill(values: number[], bins: number, low: number, high: number): number[] {
  const counts = new Array<number>(bins + 2).fill(0);
  for (const v of values) {
    if (v < low) counts[0]++;
    else if (v >= high) counts[bins + 1]++;
    else counts[Math.min(bins, 1 + Math.floor(((v - low) / (high - low)) * bins))]++;
  }
  return counts;
}

interface Particle {
  pt: number;
  eta: number;
  phi: number;
  mass: number;
  charge: number;
  btag: number;
  flavour: number;
}

function particles(row: Record<string, unknown>, prefix: string, flavour = 0): Particle[] {
  const column = (field: string): number[] => {
    const vector = row[`${prefix}_${field}`] as { toArray(): ArrayLike<number> } | undefined;
    return vector ? Array.from(vector.toArray(), Number) : [];
  };
  const pt = column('pt');
  const [eta, phi, mass, charge, btag] = ['eta', 'phi', 'mass', 'charge', 'btag'].map(column);
  return pt.map((_, i) => ({
    pt: pt[i],
    eta: eta[i],
    phi: phi[i],
    mass: mass[i],
    charge: charge[i] ?? 0,
    btag: btag[i] ?? 0,
    flavour,
  }));
}

function cartesian(p: Particle): number[] {
  const pz = p.pt * Math.sinh(p.eta);
  const e = Math.sqrt((p.pt * Math.cosh(p.eta)) ** 2 + p.mass ** 2);
  return [p.pt * Math.cos(p.phi), p.pt * Math.sin(p.phi), pz, e];
}

function sumMomenta(ps: Particle[]): number[] {
  return ps.map(cartesian).reduce((a, b) => a.map((x, i) => x + b[i]));
}

function massOf(v: number[]): number {
  return Math.sqrt(Math.max(0, v[3] ** 2 - v[0] ** 2 - v[1] ** 2 - v[2] ** 2));
}

function deltaR(a: Particle, b: Particle): number {
  const raw = a.phi - b.phi;
  const dphi = raw - 2 * Math.PI * Math.floor((raw + Math.PI) / (2 * Math.PI));
  return Math.hypot(a.eta - b.eta, dphi);
}

function bestTrijet(jets: Particle[]): Particle[] {
  let best: Particle[] = [];
  let bestDistance = Infinity;
  for (let i = 0; i < jets.length; i++) {
    for (let j = i + 1; j < jets.length; j++) {
      for (let k = j + 1; k < jets.length; k++) {
        const distance = Math.abs(massOf(sumMomenta([jets[i], jets[j], jets[k]])) - 172.5);
        if (distance < bestDistance) {
          bestDistance = distance;
          best = [jets[i], jets[j], jets[k]];
        }
      }
    }
  }
  return best;
}

function expectedQuery6(table: Table, value: (trijet: Particle[]) => number): number[] {
  const values: number[] = [];
  for (const row of table.toArray() as Record<string, unknown>[]) {
    const jets = particles(row, 'Jet');
    if (jets.length >= 3) values.push(value(bestTrijet(jets)));
  }
  return values;
}

function expectedQuery7(table: Table): number[] {
  const values: number[] = [];
  for (const row of table.toArray() as Record<string, unknown>[]) {
    const leptons = [...particles(row, 'Electron'), ...particles(row, 'Muon')].filter(
      (l) => l.pt > 10,
    );
    const jets = particles(row, 'Jet').filter(
      (j) => j.pt > 30 && leptons.every((l) => deltaR(j, l) >= 0.4),
    );
    if (jets.length > 0) values.push(jets.reduce((sum, j) => sum + j.pt, 0));
  }
  return values;
}

function expectedQuery8(table: Table): number[] {
  const values: number[] = [];
  for (const row of table.toArray() as Record<string, unknown>[]) {
    const leptons = [...particles(row, 'Electron', 11), ...particles(row, 'Muon', 13)];
    if (leptons.length < 3) continue;

    let pair: number[] | undefined;
    let bestDistance = Infinity;
    for (let i = 0; i < leptons.length; i++) {
      for (let j = i + 1; j < leptons.length; j++) {
        const [a, b] = [leptons[i], leptons[j]];
        if (a.flavour !== b.flavour || a.charge === b.charge) continue;
        const distance = Math.abs(massOf(sumMomenta([a, b])) - 91.2);
        if (pair === undefined || distance < bestDistance) {
          pair = [i, j];
          bestDistance = distance;
        }
      }
    }
    if (pair === undefined) continue;

    const others = leptons.filter((_, i) => !pair.includes(i));
    const lead = others.reduce((a, b) => (b.pt > a.pt ? b : a));
    const met = Number(row.MET_pt);
    values.push(Math.sqrt(2 * met * lead.pt * (1 - Math.cos(Number(row.MET_phi) - lead.phi))));
  }
  return values;
}

describe.skipIf(!haveData)('ADL benchmark tasks on the CMS sample', () => {
  const tables = haveData
    ? { flat: readSample(LAYOUTS.flat), nested: readSample(LAYOUTS.nested) }
    : undefined;

  for (const layout of ['flat', 'nested'] as const) {
    for (const name of ['query-1', 'query-2', 'query-3', 'query-4', 'query-5']) {
      it(`${name} matches the reference (${layout})`, () => {
        const result = runQuery(tables![layout], readQuery(name));
        expect(histogramRows(result.partial as HistogramPartial)).toEqual(referenceRows(name));
        expect(result.eventsScanned).toBe(1000);
      });
    }

    const independent: [string, (table: Table) => number[]][] = [
      [
        'query-6-1',
        (t) => expectedQuery6(t, (trijet) => Math.hypot(...sumMomenta(trijet).slice(0, 2))),
      ],
      ['query-6-2', (t) => expectedQuery6(t, (trijet) => Math.max(...trijet.map((j) => j.btag)))],
      ['query-7', expectedQuery7],
      ['query-8', expectedQuery8],
    ];
    for (const [name, expected] of independent) {
      it(`${name} matches a plain loop (${layout})`, () => {
        const query = readQuery(name);
        const result = runQuery(tables![layout], query);
        const values = expected(tables!.flat);
        const histogram = result.partial as HistogramPartial;
        expect(histogram.counts).toEqual(fill(values, query.bins, query.low, query.high));
        expect(histogram.counts.reduce((a, b) => a + b, 0)).toBe(values.length);
        expect(values.length).toBeGreaterThan(0);
      });
    }
  }

  it('query-4 counts the selected events', () => {
    const result = runQuery(tables!.flat, readQuery('query-4'));
    expect(result.eventsSelected).toBe(116);
    expect(result.eventsScanned).toBe(1000);
  });
});
