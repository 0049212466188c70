import type { HistogramSpec } from '../client/plot/histogram-csv.js';
import type { AdlTaskId } from './adl-tasks.js';

/*
 * The ADL tasks in DuckDB SQL over a relation `events` with the flat NanoAOD columns and a
 * unique event id `ev`. Each query returns the values to histogram as a DOUBLE column `x`.
 *
 * Columns are cast to DOUBLE before any arithmetic because DuckDB computes FLOAT (float32)
 * arithmetic in float32, while skysift widens float32 values to float64 first. Four-momenta
 * follow the definitions of the ADL task list: px = pt cos(phi), py = pt sin(phi),
 * pz = pt sinh(eta), E = sqrt((pt cosh(eta))^2 + mass^2), and mass = sqrt(max(0, E^2 - p^2)).
 * Combinations are self-joins of unnested rows with index order i < j < k. Closest-mass choices
 * break exact ties by the lowest indexes, which is the first combination in i < j < k order.
 */

/** Unnests one collection into one row per object: `ev`, the index `i` and the given fields. */
function unnestCollection(collection: string, fields: string[], where = 'true'): string {
  const columns = fields.map((field) => `UNNEST(${collection}_${field}) AS ${field}`).join(', ');
  return (
    `SELECT ev, generate_subscripts(${collection}_pt, 1) AS i, ${columns} ` +
    `FROM events WHERE ${where}`
  );
}

/** SQL expressions of a four-momentum's Cartesian components from `alias`'s pt, eta, phi, mass. */
function cartesian(alias: string): { px: string; py: string; pz: string; e: string } {
  const pt = `${alias}.pt::DOUBLE`;
  const eta = `${alias}.eta::DOUBLE`;
  const p = `(${pt} * cosh(${eta}))`;
  return {
    px: `${pt} * cos(${alias}.phi::DOUBLE)`,
    py: `${pt} * sin(${alias}.phi::DOUBLE)`,
    pz: `${pt} * sinh(${eta})`,
    e: `sqrt(${p} * ${p} + ${alias}.mass::DOUBLE * ${alias}.mass::DOUBLE)`,
  };
}

/** The invariant mass of summed Cartesian components named `px`, `py`, `pz`, `e`. */
const INVARIANT_MASS = 'sqrt(greatest(0, e * e - px * px - py * py - pz * pz))';

const QUERY_1 = 'SELECT MET_pt::DOUBLE AS x FROM events';

const QUERY_2 = 'SELECT UNNEST(Jet_pt)::DOUBLE AS x FROM events';

const QUERY_3 = `
SELECT pt::DOUBLE AS x
FROM (SELECT UNNEST(Jet_pt) AS pt, UNNEST(Jet_eta) AS eta FROM events)
WHERE abs(eta::DOUBLE) < 1`;

const QUERY_4 = `
SELECT MET_pt::DOUBLE AS x
FROM events
WHERE len(list_filter(Jet_pt, pt -> pt::DOUBLE > 40)) >= 2`;

const QUERY_5 = `
WITH muons AS (${unnestCollection('Muon', ['pt', 'eta', 'phi', 'charge'], 'nMuon >= 2')}),
pairs AS (
  SELECT DISTINCT a.ev
  FROM muons a JOIN muons b ON a.ev = b.ev AND a.i < b.i
  WHERE a.charge != b.charge
    AND sqrt(2 * a.pt::DOUBLE * b.pt::DOUBLE
      * (cosh(a.eta::DOUBLE - b.eta::DOUBLE) - cos(a.phi::DOUBLE - b.phi::DOUBLE)))
      BETWEEN 60 AND 120
)
SELECT MET_pt::DOUBLE AS x FROM events SEMI JOIN pairs USING (ev)`;

/** Returns SQL that picks, per event with three or more jets, the trijet of mass closest to 172.5 GeV. */
function bestTrijet(): string {
  const [a, b, c] = ['a', 'b', 'c'].map(cartesian);
  const sum = (key: 'px' | 'py' | 'pz' | 'e') => `${a[key]} + ${b[key]} + ${c[key]}`;
  return `
WITH jets AS (${unnestCollection('Jet', ['pt', 'eta', 'phi', 'mass', 'btag'], 'nJet >= 3')}),
trijets AS (
  SELECT a.ev, a.i AS i, b.i AS j, c.i AS k,
    ${sum('px')} AS px, ${sum('py')} AS py, ${sum('pz')} AS pz, ${sum('e')} AS e,
    greatest(a.btag::DOUBLE, b.btag::DOUBLE, c.btag::DOUBLE) AS btag
  FROM jets a
  JOIN jets b ON b.ev = a.ev AND a.i < b.i
  JOIN jets c ON c.ev = a.ev AND b.i < c.i
)
SELECT ev,
  arg_min({'pt': sqrt(px * px + py * py), 'btag': btag},
    {'distance': abs(${INVARIANT_MASS} - 172.5), 'i': i, 'j': j, 'k': k}) AS best
FROM trijets
GROUP BY ev`;
}

const QUERY_6_1 = `SELECT best.pt AS x FROM (${bestTrijet()})`;

const QUERY_6_2 = `SELECT best.btag AS x FROM (${bestTrijet()})`;

/** Returns the SQL expression of deltaR between two aliases, with dphi wrapped into [-pi, pi). */
function deltaR(a: string, b: string): string {
  const raw = `(${a}.phi::DOUBLE - ${b}.phi::DOUBLE)`;
  const dphi = `(${raw} - 2 * pi() * floor((${raw} + pi()) / (2 * pi())))`;
  const deta = `(${a}.eta::DOUBLE - ${b}.eta::DOUBLE)`;
  return `sqrt(${deta} * ${deta} + ${dphi} * ${dphi})`;
}

const QUERY_7 = `
WITH jets AS (${unnestCollection('Jet', ['pt', 'eta', 'phi'])}),
leptons AS (
  SELECT ev, eta, phi FROM (${unnestCollection('Muon', ['pt', 'eta', 'phi'])}) WHERE pt > 10
  UNION ALL
  SELECT ev, eta, phi FROM (${unnestCollection('Electron', ['pt', 'eta', 'phi'])}) WHERE pt > 10
)
SELECT sum(j.pt::DOUBLE ORDER BY j.i) AS x
FROM jets j
WHERE j.pt > 30
  AND NOT EXISTS (SELECT 1 FROM leptons l WHERE l.ev = j.ev AND ${deltaR('j', 'l')} < 0.4)
GROUP BY j.ev`;

/** Light leptons of events with at least three: electrons first, then muons, indexed per event. */
const LEPTONS = `
leptons AS (
  SELECT ev, i, pt, eta, phi, mass, charge, 'e' AS flavour
  FROM (${unnestCollection('Electron', ['pt', 'eta', 'phi', 'mass', 'charge'], 'nElectron + nMuon >= 3')})
  UNION ALL
  SELECT ev, i + nElectron, pt, eta, phi, mass, charge, 'm'
  FROM (
    SELECT ev, nElectron, generate_subscripts(Muon_pt, 1) AS i, UNNEST(Muon_pt) AS pt,
      UNNEST(Muon_eta) AS eta, UNNEST(Muon_phi) AS phi, UNNEST(Muon_mass) AS mass,
      UNNEST(Muon_charge) AS charge
    FROM events WHERE nElectron + nMuon >= 3
  )
)`;

function query8(): string {
  const [a, b] = ['a', 'b'].map(cartesian);
  return `
WITH ${LEPTONS},
pairs AS (
  SELECT a.ev, a.i AS i, b.i AS j,
    ${a.px} + ${b.px} AS px, ${a.py} + ${b.py} AS py, ${a.pz} + ${b.pz} AS pz, ${a.e} + ${b.e} AS e
  FROM leptons a JOIN leptons b
    ON a.ev = b.ev AND a.i < b.i AND a.flavour = b.flavour AND a.charge != b.charge
),
best AS (
  SELECT ev, arg_min({'i': i, 'j': j}, {'distance': abs(${INVARIANT_MASS} - 91.2), 'i': i, 'j': j}) AS pair
  FROM pairs GROUP BY ev
),
third AS (
  SELECT l.ev, arg_max({'pt': l.pt::DOUBLE, 'phi': l.phi::DOUBLE}, {'pt': l.pt, 'i': -l.i}) AS lepton
  FROM leptons l JOIN best USING (ev)
  WHERE l.i != best.pair.i AND l.i != best.pair.j
  GROUP BY l.ev
)
SELECT sqrt(2 * MET_pt::DOUBLE * third.lepton.pt
  * (1 - cos(MET_phi::DOUBLE - third.lepton.phi))) AS x
FROM events JOIN third USING (ev)`;
}

const TASK_SQL: Record<AdlTaskId, () => string> = {
  'query-1': () => QUERY_1,
  'query-2': () => QUERY_2,
  'query-3': () => QUERY_3,
  'query-4': () => QUERY_4,
  'query-5': () => QUERY_5,
  'query-6-1': () => QUERY_6_1,
  'query-6-2': () => QUERY_6_2,
  'query-7': () => QUERY_7,
  'query-8': query8,
};

/** Returns the SQL that computes the values of one ADL task as a DOUBLE column `x`. */
export function taskValuesSql(task: AdlTaskId): string {
  return TASK_SQL[task]().trim();
}

/**
 * Returns SQL that fills the histogram of one task: one row per non-empty bin with the bin
 * index (0 underflow, `bins + 1` overflow, -1 for NaN values) and its count. The binning is the
 * one skysift's kernels use: `1 + floor((x - low) / (high - low) * bins)`, capped at `bins`.
 */
export function taskHistogramSql(task: AdlTaskId, axis: HistogramSpec): string {
  const { bins, low, high } = axis;
  const span = high - low;
  return `
WITH task AS (${taskValuesSql(task)})
SELECT CASE
    WHEN isnan(x) THEN -1
    WHEN x < ${low} THEN 0
    WHEN x >= ${high} THEN ${bins + 1}
    ELSE least(1 + floor((x - ${low}) / ${span} * ${bins}), ${bins})::INTEGER
  END AS bin,
  count(*) AS entries
FROM task
GROUP BY bin`.trim();
}
