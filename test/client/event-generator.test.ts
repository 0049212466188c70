import { readFileSync } from 'node:fs';
import { tableFromIPC, tableToIPC, type Field, type Table } from 'apache-arrow';
import * as pq from 'parquet-wasm/node';
import { beforeAll, describe, expect, it } from 'vitest';

import { generateEvents } from '../../client/io/event-generator.js';
import { SAMPLE_DATA_SKIP, sampleDataDir, sampleFiles } from '../support/sample-data.js';

const dataDir = sampleDataDir();
const EVENTS = 20_000;

/** Field name, type, nullability and children, recursively, for schema comparison. */
function describeField(field: Field): unknown {
  const children = (field.type.children ?? []) as Field[];
  return {
    name: field.name,
    type: String(field.type),
    nullable: field.nullable,
    children: children.map(describeField),
  };
}

function readParquet(file: string): Table {
  return tableFromIPC(pq.readParquet(readFileSync(file)).intoIPCStream());
}

/** Values of a list column as one array per event. */
function lists(table: Table, name: string): number[][] {
  const column = table.getChild(name)!;
  return Array.from({ length: table.numRows }, (_, i) => Array.from(column.get(i)!, Number));
}

/** Values of any column as plain numbers, booleans or arrays, one per event. */
function plainValues(table: Table, name: string): unknown[] {
  const column = table.getChild(name)!;
  return Array.from({ length: table.numRows }, (_, i) => {
    const value: unknown = column.get(i);
    if (typeof value === 'bigint') return Number(value);
    return value !== null && typeof value === 'object'
      ? Array.from(value as Iterable<unknown>)
      : value;
  });
}

function meanCount(table: Table, name: string): number {
  const column = table.getChild(name)!;
  let sum = 0;
  for (let i = 0; i < table.numRows; i++) sum += Number(column.get(i));
  return sum / table.numRows;
}

/** Invariant masses of opposite-charge muon pairs, as in ADL query 5. */
function oppositeChargeMuonMasses(table: Table): number[] {
  const [pt, eta, phi, charge] = ['pt', 'eta', 'phi', 'charge'].map((f) =>
    lists(table, `Muon_${f}`),
  );
  const masses: number[] = [];
  for (let event = 0; event < table.numRows; event++) {
    for (let i = 0; i < pt[event].length; i++) {
      for (let j = i + 1; j < pt[event].length; j++) {
        if (charge[event][i] === charge[event][j]) continue;
        const deta = eta[event][i] - eta[event][j];
        const dphi = phi[event][i] - phi[event][j];
        const product = 2 * pt[event][i] * pt[event][j];
        masses.push(Math.sqrt(product * (Math.cosh(deta) - Math.cos(dphi))));
      }
    }
  }
  return masses;
}

describe('generateEvents', () => {
  let flat: Table;

  beforeAll(() => {
    flat = generateEvents({ events: EVENTS, seed: 11 });
  });

  it('is deterministic for a seed', () => {
    const first = tableToIPC(generateEvents({ events: 3000, seed: 5 }));
    const second = tableToIPC(generateEvents({ events: 3000, seed: 5 }));
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(true);
  });

  it('differs between seeds', () => {
    const first = generateEvents({ events: 100, seed: 5 }).getChild('MET_pt')!.toArray();
    const second = generateEvents({ events: 100, seed: 6 }).getChild('MET_pt')!.toArray();
    expect(Array.from(first)).not.toEqual(Array.from(second));
  });

  it('gives the same events for any batch size', () => {
    const whole = generateEvents({ events: 2500, seed: 9 });
    const batched = generateEvents({ events: 2500, seed: 9, batchEvents: 700 });
    expect(whole.batches).toHaveLength(1);
    expect(batched.batches.map((batch) => batch.numRows)).toEqual([700, 700, 700, 400]);
    for (const name of ['event', 'MET_pt', 'nJet', 'Jet_pt', 'Muon_charge', 'Tau_idIsoTight']) {
      expect(plainValues(batched, name), name).toEqual(plainValues(whole, name));
    }
  });

  it('writes the same events in both layouts', () => {
    const nested = generateEvents({ events: 500, seed: 3, layout: 'nested' });
    const sameFlat = generateEvents({ events: 500, seed: 3, layout: 'flat' });
    const jets = nested.getChild('Jet')!;
    const jetPt = lists(sameFlat, 'Jet_pt');
    const jetPuId = sameFlat.getChild('Jet_puId')!;
    const met = nested.getChild('MET')!;
    for (let i = 0; i < nested.numRows; i++) {
      const eventJets = [...jets.get(i)!];
      expect(eventJets.map((jet) => jet.pt)).toEqual(jetPt[i]);
      expect(eventJets.map((jet) => jet.puId)).toEqual([...jetPuId.get(i)!]);
      expect(met.get(i)!.pt).toBe(sameFlat.getChild('MET_pt')!.get(i));
    }
  });

  it('generates an empty table with the schema', () => {
    const empty = generateEvents({ events: 0 });
    expect(empty.numRows).toBe(0);
    expect(empty.schema.fields.map((field) => field.name)).toContain('Jet_pt');
  });

  it('has realistic mean multiplicities', () => {
    expect(meanCount(flat, 'nJet')).toBeGreaterThan(2.9);
    expect(meanCount(flat, 'nJet')).toBeLessThan(3.5);
    expect(meanCount(flat, 'nMuon')).toBeGreaterThan(1.25);
    expect(meanCount(flat, 'nMuon')).toBeLessThan(1.55);
    expect(meanCount(flat, 'nElectron')).toBeGreaterThan(0.15);
    expect(meanCount(flat, 'nElectron')).toBeLessThan(0.25);
    expect(meanCount(flat, 'nTau')).toBeGreaterThan(0.5);
    expect(meanCount(flat, 'nPhoton')).toBeGreaterThan(0.2);
  });

  it('matches counters to list lengths', () => {
    for (const collection of ['Jet', 'Muon', 'Electron', 'Tau', 'Photon']) {
      const counts = flat.getChild(`n${collection}`)!;
      const pts = lists(flat, `${collection}_pt`);
      for (let i = 0; i < flat.numRows; i++) {
        expect(Number(counts.get(i))).toBe(pts[i].length);
      }
    }
  });

  it('sorts every collection by pT', () => {
    for (const collection of ['Jet', 'Muon', 'Electron', 'Tau', 'Photon']) {
      const unsorted = lists(flat, `${collection}_pt`).filter((pts) =>
        pts.some((pt, i) => i > 0 && pt > pts[i - 1]),
      );
      expect(unsorted, collection).toEqual([]);
    }
  });

  it('applies pT and eta thresholds', () => {
    const jetPt = lists(flat, 'Jet_pt').flat();
    const jetEta = lists(flat, 'Jet_eta').flat();
    const muonPt = lists(flat, 'Muon_pt').flat();
    const muonEta = lists(flat, 'Muon_eta').flat();
    expect(Math.min(...jetPt)).toBeGreaterThanOrEqual(15);
    expect(Math.max(...jetEta.map(Math.abs))).toBeLessThanOrEqual(4.7);
    expect(Math.max(...jetEta.map(Math.abs))).toBeGreaterThan(3);
    expect(Math.min(...muonPt)).toBeGreaterThanOrEqual(3);
    expect(Math.max(...muonEta.map(Math.abs))).toBeLessThanOrEqual(2.4);
  });

  it('falls steeply in jet pT', () => {
    const jetPt = lists(flat, 'Jet_pt').flat();
    const near = jetPt.filter((pt) => pt < 20).length;
    const far = jetPt.filter((pt) => pt >= 50 && pt < 55).length;
    expect(near).toBeGreaterThan(5 * far);
    expect(far).toBeGreaterThan(0);
  });

  it('keeps angles, charges and b-tags in range', () => {
    for (const name of ['Jet_phi', 'Muon_phi', 'Electron_phi', 'Tau_phi', 'Photon_phi']) {
      const phis = lists(flat, name).flat();
      expect(
        phis.every((phi) => phi >= -Math.PI && phi < Math.PI),
        name,
      ).toBe(true);
    }
    const metPhi = Array.from(flat.getChild('MET_phi')!.toArray() as Float32Array);
    expect(metPhi.every((phi) => phi >= -Math.PI && phi < Math.PI)).toBe(true);
    const charges = new Set(lists(flat, 'Muon_charge').flat());
    expect([...charges].sort()).toEqual([-1, 1]);
    const btags = lists(flat, 'Jet_btag').flat();
    expect(btags.every((btag) => btag >= 0 && btag <= 1)).toBe(true);
  });

  it('has a MET distribution peaking at 20 to 40 GeV', () => {
    const met = Array.from(flat.getChild('MET_pt')!.toArray() as Float32Array);
    const histogram = [0, 0, 0, 0, 0];
    for (const value of met) if (value < 100) histogram[Math.floor(value / 20)]++;
    const peak = histogram.indexOf(Math.max(...histogram));
    expect([1, 2]).toContain(peak);
    expect(histogram[4]).toBeLessThan(histogram[1] / 5);
  });

  it('has a Z peak in muon pair masses', () => {
    const masses = oppositeChargeMuonMasses(flat);
    const count = (low: number, high: number): number =>
      masses.filter((mass) => mass >= low && mass < high).length;
    const peak = count(89, 93);
    expect(peak).toBeGreaterThan(3 * count(68, 72));
    expect(peak).toBeGreaterThan(3 * count(108, 112));
    expect(count(60, 120)).toBeGreaterThan(0.05 * EVENTS);
  });

  it('has ttbar-like events with four jets', () => {
    const jetCounts = lists(flat, 'Jet_pt').map((pts) => pts.length);
    const withFourJets = jetCounts.filter((count) => count >= 4).length;
    expect(withFourJets / EVENTS).toBeGreaterThan(0.2);
    const btags = lists(flat, 'Jet_btag').flat();
    expect(btags.filter((btag) => btag > 0.8).length).toBeGreaterThan(0.02 * btags.length);
  });

  it('has events with three leptons and a same-flavour pair', () => {
    const muonCharges = lists(flat, 'Muon_charge');
    const electronCounts = lists(flat, 'Electron_pt').map((pts) => pts.length);
    const selected = muonCharges.filter(
      (charges, i) =>
        charges.length + electronCounts[i] >= 3 && charges.includes(1) && charges.includes(-1),
    );
    expect(selected.length).toBeGreaterThan(0.01 * EVENTS);
  });

  it('sets triggers from isolated muons', () => {
    const isoMu24 = flat.getChild('HLT_IsoMu24')!;
    const leadingPt = lists(flat, 'Muon_pt').map((pts) => pts[0] ?? 0);
    let fired = 0;
    for (let i = 0; i < flat.numRows; i++) {
      if (!isoMu24.get(i)) continue;
      fired++;
      expect(leadingPt[i]).toBeGreaterThan(24);
    }
    expect(fired / EVENTS).toBeGreaterThan(0.2);
  });

  const invalid: [object, string][] = [
    [{ events: -1 }, 'Invalid event count -1: expected a non-negative integer such as 1000'],
    [{ events: 1.5 }, 'Invalid event count 1.5: expected a non-negative integer such as 1000'],
    [
      { events: 10, batchEvents: 0 },
      'Invalid batchEvents 0: expected a positive integer such as 65536',
    ],
    [{ events: 10, layout: 'wide' }, "Invalid layout 'wide': expected 'flat' or 'nested'"],
    [
      { events: 10, seed: -3 },
      'Invalid seed -3: expected an integer in [0, 4294967296), such as 42',
    ],
    [
      { events: 10, seed: 2 ** 32 },
      'Invalid seed 4294967296: expected an integer in [0, 4294967296), such as 42',
    ],
  ];
  for (const [options, message] of invalid) {
    it(`rejects ${JSON.stringify(options)}`, () => {
      expect(() => generateEvents(options as never)).toThrow(new RangeError(message));
    });
  }
});

describe.skipIf(dataDir === null)('generateEvents schema', () => {
  for (const layout of ['flat', 'nested'] as const) {
    it(`equals the real sample in ${layout} layout`, () => {
      const real = readParquet(sampleFiles(dataDir!)[layout]);
      const generated = generateEvents({ events: 10, layout });
      expect(generated.schema.fields.map(describeField)).toEqual(
        real.schema.fields.map(describeField),
      );
    });
  }
});

describe.runIf(dataDir === null)('generateEvents schema', () => {
  it.skip(SAMPLE_DATA_SKIP, () => {});
});
