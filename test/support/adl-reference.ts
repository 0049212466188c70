import type { Table } from 'apache-arrow';

// Straightforward per-event loops over `table.toArray()` rows for the ADL tasks that have no
// reference file. They share no code with the query compiler, so they check it independently.

/** Fills a histogram with the reference convention, for the independent per-event loops. */
export function fill(values: number[], bins: number, low: number, high: number): number[] {
  const counts = new Array<number>(bins + 2).fill(0);
  for (const v of values) {
    if (v < low) counts[0]++;
    else if (v >= high) counts[bins + 1]++;
    else counts[Math.min(bins, 1 + Math.floor(((v - low) / (high - low)) * bins))]++;
  }
  return counts;
}

export interface Particle {
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

export function sumMomenta(ps: Particle[]): number[] {
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

export function expectedQuery6(table: Table, value: (trijet: Particle[]) => number): number[] {
  const values: number[] = [];
  for (const row of table.toArray() as Record<string, unknown>[]) {
    const jets = particles(row, 'Jet');
    if (jets.length >= 3) values.push(value(bestTrijet(jets)));
  }
  return values;
}

export function expectedQuery7(table: Table): number[] {
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

export function expectedQuery8(table: Table): number[] {
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

/** The independent expectation of each ADL task without a reference file, from the flat layout. */
export const INDEPENDENT_EXPECTATIONS: [string, (table: Table) => number[]][] = [
  [
    'query-6-1',
    (t) => expectedQuery6(t, (trijet) => Math.hypot(...sumMomenta(trijet).slice(0, 2))),
  ],
  ['query-6-2', (t) => expectedQuery6(t, (trijet) => Math.max(...trijet.map((j) => j.btag)))],
  ['query-7', expectedQuery7],
  ['query-8', expectedQuery8],
];
