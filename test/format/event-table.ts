import {
  Bool,
  Field,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  List,
  makeBuilder,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  Utf8,
  Vector,
  type DataType,
} from 'apache-arrow';

/** A small deterministic pseudo-random generator (mulberry32), so failures reproduce. */
export function makeRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const JET_FIELDS = [
  new Field('pt', new Float32(), true),
  new Field('eta', new Float32(), true),
  new Field('puId', new Bool(), true),
  new Field('btag', new Float32(), true),
];

const MET_FIELDS = [
  new Field('pt', new Float32(), true),
  new Field('phi', new Float32(), true),
  new Field('sumet', new Float64(), true),
];

/** Schema with every column type of the NanoAOD sample, in flat and nested layouts. */
export const EVENT_SCHEMA = new Schema([
  new Field('run', new Int32(), false),
  new Field('event', new Int64(), true),
  new Field('HLT_IsoMu24', new Bool(), true),
  new Field('PV_npvs', new Int16(), true),
  new Field('MET_pt', new Float32(), true),
  new Field('Jet_pt', new List(new Field('item', new Float32(), true)), true),
  new Field('Jet_puId', new List(new Field('item', new Bool(), true)), true),
  new Field('Muon_charge', new List(new Field('item', new Int32(), true)), true),
  new Field('dataset', new Utf8(), true),
  new Field('MET', new Struct(MET_FIELDS), true),
  new Field('Jet', new List(new Field('item', new Struct(JET_FIELDS), true)), true),
]);

/** Every leaf column path of `EVENT_SCHEMA`. */
export const EVENT_LEAVES: string[][] = [
  ['run'],
  ['event'],
  ['HLT_IsoMu24'],
  ['PV_npvs'],
  ['MET_pt'],
  ['Jet_pt'],
  ['Jet_puId'],
  ['Muon_charge'],
  ['dataset'],
  ['MET', 'pt'],
  ['MET', 'phi'],
  ['MET', 'sumet'],
  ['Jet', 'pt'],
  ['Jet', 'eta'],
  ['Jet', 'puId'],
  ['Jet', 'btag'],
];

type Row = Record<string, unknown>;

/**
 * Makes event rows with nulls at every level: null scalars, null and empty lists, null list
 * elements, null struct rows and null struct fields.
 */
export function makeEventRows(count: number, seed: number): Row[] {
  const random = makeRandom(seed);
  const maybe = <T>(value: T, nullRate = 0.1): T | null => (random() < nullRate ? null : value);
  const float = (scale: number): number => Math.fround(random() * scale);
  const list = <T>(make: () => T): T[] | null =>
    maybe(Array.from({ length: Math.floor(random() * 5) }, make), 0.08);

  return Array.from({ length: count }, (_, i) => ({
    run: 194000 + (i % 7),
    event: maybe(BigInt(1_000_000_000 + i * 13)),
    HLT_IsoMu24: maybe(random() < 0.5),
    PV_npvs: maybe(Math.floor(random() * 40) - 5),
    MET_pt: maybe(random() < 0.02 ? Number.NaN : float(200)),
    Jet_pt: list(() => maybe(float(100), 0.05)),
    Jet_puId: list(() => maybe(random() < 0.5, 0.05)),
    Muon_charge: list(() => maybe(random() < 0.5 ? -1 : 1, 0.05)),
    dataset: maybe(`Run2012B_${i % 3}`),
    MET: maybe({ pt: maybe(float(200)), phi: maybe(float(6) - 3), sumet: maybe(random() * 1e3) }),
    Jet: list(() =>
      maybe({
        pt: maybe(float(100)),
        eta: float(5) - 2.5,
        puId: maybe(random() < 0.5),
        btag: maybe(float(1)),
      }),
    ),
  }));
}

/** Builds one record batch of `EVENT_SCHEMA` from rows. */
export function makeEventBatch(rows: Row[]): RecordBatch {
  const children = EVENT_SCHEMA.fields.map(
    (field) =>
      buildVector(
        field.type,
        rows.map((row) => row[field.name]),
      ).data[0],
  );
  const type = new Struct(EVENT_SCHEMA.fields);
  return new RecordBatch(EVENT_SCHEMA, makeData({ type, length: rows.length, children }));
}

/** Builds a table of `EVENT_SCHEMA` whose record batches have the given row counts. */
export function makeEventTable(batchRows: number[], seed = 1): Table {
  const rows = makeEventRows(
    batchRows.reduce((sum, n) => sum + n, 0),
    seed,
  );
  const batches: RecordBatch[] = [];
  let start = 0;
  for (const count of batchRows) {
    batches.push(makeEventBatch(rows.slice(start, start + count)));
    start += count;
  }
  return batches.length === 0 ? new Table(EVENT_SCHEMA) : new Table(batches);
}

/** Builds one vector of a type from JavaScript values, with null for null entries. */
export function buildVector(type: DataType, values: unknown[]): Vector {
  const builder = makeBuilder({ type, nullValues: [null] });
  for (const value of values) builder.append(value);
  return new Vector([builder.finish().flush()]);
}

/** Converts an Arrow value (vector, struct row, scalar) to plain JavaScript for comparison. */
export function toPlain(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Vector) return [...value].map(toPlain);
  if (typeof value === 'object' && 'toJSON' in value && typeof value.toJSON === 'function') {
    const object = value.toJSON() as Record<string, unknown>;
    return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, toPlain(v)]));
  }
  return value;
}

/** Returns the plain values of a column path in every row of a table, looking through lists. */
export function columnValues(table: Table, path: string[]): unknown[] {
  const column = table.getChild(path[0]);
  if (column === null) throw new Error(`Column '${path[0]}' not found in the table`);
  return [...column].map((value) => extractPath(toPlain(value), path.slice(1)));
}

function extractPath(value: unknown, names: string[]): unknown {
  if (value === null) return null;
  if (Array.isArray(value)) return value.map((element) => extractPath(element, names));
  if (names.length === 0) return value;
  return extractPath((value as Record<string, unknown>)[names[0]] ?? null, names.slice(1));
}

/** Concatenates the record batches of a read into one table. */
export function tableOf(batches: RecordBatch[]): Table {
  return new Table(batches);
}
