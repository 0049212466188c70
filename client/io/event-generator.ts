import {
  Bool,
  Field,
  Float32,
  Int32,
  Int64,
  List,
  RecordBatch,
  Schema,
  Struct,
  Table,
  makeData,
  type Data,
  type DataType,
} from 'apache-arrow';

import {
  generateEventContent,
  type Candidate,
  type EventContent,
  type TauCandidate,
} from './event-content.js';
import {
  COLLECTIONS,
  EVENT_GROUPS,
  FLAT_ORDER,
  NESTED_ORDER,
  TAU_ANTI_ELECTRON_COLUMNS,
  TAU_ANTI_MUON_COLUMNS,
  TAU_ISO_COLUMNS,
  type CollectionName,
  type ColumnKind,
  type FieldSpec,
  type GroupName,
} from './nanoaod-schema.js';
import { RandomSampler } from './random-sampler.js';

type Column = Float32Array | Int32Array | Uint8Array;

/** Options of {@link generateEvents}. */
export interface GenerateEventsOptions {
  /** Number of events to generate. */
  events: number;
  /** PRNG seed, an integer in [0, 2^32). The same seed always yields the same events. */
  seed?: number;
  /** `flat` has one list column per object field (`Jet_pt`), `nested` lists of structs (`Jet`). */
  layout?: 'flat' | 'nested';
  /** Events per record batch. Batching does not change the generated values. */
  batchEvents?: number;
}

const DEFAULT_SEED = 2012;
const DEFAULT_BATCH_EVENTS = 65_536;

const FIRST_RUN = 194_711;
const EVENTS_PER_RUN = 1_000_000;
const EVENTS_PER_LUMI_BLOCK = 2_000;
const PILEUP_VERTEX_MEAN = 10.7;
const TRIGGER_MAX_REL_ISO = 0.15;

/** Largest float32 below pi, so that phi stays in [-pi, pi) after conversion to float32. */
const PHI_LIMIT_F32 = 3.1415925;

/** Typed-array columns of one collection or event group, grown by doubling. */
class ColumnSet {
  readonly columns: Record<string, Column> = {};
  readonly hasCharge: boolean;
  readonly hasTruthLinks: boolean;
  length = 0;

  constructor(
    readonly fields: readonly FieldSpec[],
    private capacity: number,
  ) {
    for (const [name, kind] of fields) this.columns[name] = allocate(kind, capacity);
    this.hasCharge = 'charge' in this.columns;
    this.hasTruthLinks = 'genPartIdx' in this.columns;
  }

  /** Returns the index of a new row, growing the columns when they are full. */
  append(): number {
    if (this.length === this.capacity) {
      this.capacity = Math.max(2 * this.capacity, 16);
      for (const [name, kind] of this.fields) {
        const grown = allocate(kind, this.capacity);
        grown.set(this.columns[name]);
        this.columns[name] = grown;
      }
    }
    return this.length++;
  }
}

function allocate(kind: ColumnKind, length: number): Column {
  if (kind === 'f32') return new Float32Array(length);
  return kind === 'i32' ? new Int32Array(length) : new Uint8Array(length);
}

/** Columns of one record batch: per-event groups, and per-object collections with list offsets. */
interface BatchColumns {
  firstEvent: number;
  events: number;
  groups: Record<GroupName, ColumnSet>;
  collections: Record<CollectionName, { values: ColumnSet; offsets: Int32Array }>;
}

function createBatchColumns(firstEvent: number, events: number): BatchColumns {
  const groups = {} as BatchColumns['groups'];
  for (const name of Object.keys(EVENT_GROUPS) as GroupName[]) {
    groups[name] = new ColumnSet(EVENT_GROUPS[name], events);
  }

  const collections = {} as BatchColumns['collections'];
  for (const name of Object.keys(COLLECTIONS) as CollectionName[]) {
    const values = new ColumnSet(COLLECTIONS[name], Math.max(2 * events, 16));
    collections[name] = { values, offsets: new Int32Array(events + 1) };
  }
  return { firstEvent, events, groups, collections };
}

/** Clamps phi so that it stays in [-pi, pi) after conversion to float32. */
function clampPhi(phi: number): number {
  return Math.max(-PHI_LIMIT_F32, Math.min(PHI_LIMIT_F32, phi));
}

/** Appends a row with the kinematics of `object` and returns its index. */
function appendObject(set: ColumnSet, object: Candidate): number {
  const row = set.append();
  const { columns } = set;
  columns.pt[row] = object.pt;
  columns.eta[row] = object.eta;
  columns.phi[row] = clampPhi(object.phi);
  columns.mass[row] = object.mass;
  if (set.hasCharge) columns.charge[row] = object.charge;

  // The 2012 sample stores -1 in every link to a matched jet or generator particle.
  if (set.hasTruthLinks) {
    columns.jetIdx[row] = -1;
    columns.genPartIdx[row] = -1;
  }
  return row;
}

/** Writes impact parameters in cm with resolution `sigmaCm`. */
function writeImpact(rng: RandomSampler, set: ColumnSet, row: number, sigmaCm: number): void {
  set.columns.dxy[row] = rng.gaussian(0, sigmaCm);
  set.columns.dxyErr[row] = rng.between(0.4, 1) * sigmaCm;
  set.columns.dz[row] = rng.gaussian(0, 2 * sigmaCm);
  set.columns.dzErr[row] = rng.between(0.8, 2) * sigmaCm;
}

function writeMuon(rng: RandomSampler, set: ColumnSet, muon: Candidate): void {
  const row = appendObject(set, muon);
  const { columns } = set;
  const isolation = rng.exponential(muon.tagged ? 0.04 : 0.6);
  columns.pfRelIso03_all[row] = isolation;
  columns.pfRelIso04_all[row] = isolation * rng.between(1.05, 1.5);
  columns.tightId[row] = rng.chance(muon.tagged ? 0.95 : 0.45) ? 1 : 0;
  columns.softId[row] = rng.chance(0.8) ? 1 : 0;
  writeImpact(rng, set, row, 0.004);
}

function writeElectron(rng: RandomSampler, set: ColumnSet, electron: Candidate): void {
  const row = appendObject(set, electron);
  set.columns.pfRelIso03_all[row] = rng.exponential(0.3);
  writeImpact(rng, set, row, 0.03);
  set.columns.cutBasedId[row] = rng.chance(0.99) ? 1 : 0;
  set.columns.pfId[row] = rng.chance(0.41) ? 1 : 0;
}

/** Writes a tau whose isolation and anti-lepton working points are nested: Tight implies Loose. */
function writeTau(rng: RandomSampler, set: ColumnSet, tau: TauCandidate): void {
  const row = appendObject(set, tau);
  const { columns } = set;
  columns.decayMode[row] = tau.decayMode;
  columns.relIso_all[row] = rng.exponential(0.5);
  columns.idDecayMode[row] = tau.decayMode === -1 ? 0 : 1;

  const isolated = rng.chance(0.5);
  columns.idIsoRaw[row] = isolated ? 0 : rng.exponential(20);
  writeWorkingPoints(columns, row, TAU_ISO_COLUMNS, isolated ? Math.floor(rng.uniform() * 5) : 0);
  writeWorkingPoints(columns, row, TAU_ANTI_ELECTRON_COLUMNS, Math.floor(rng.uniform() * 4));
  writeWorkingPoints(columns, row, TAU_ANTI_MUON_COLUMNS, Math.floor(rng.uniform() * 4));
}

/** Sets the first `passed` of the working-point columns, ordered from loosest to tightest. */
function writeWorkingPoints(
  columns: Record<string, Column>,
  row: number,
  names: string[],
  passed: number,
): void {
  for (let i = 0; i < names.length; i++) columns[names[i]][row] = i < passed ? 1 : 0;
}

function writePhoton(rng: RandomSampler, set: ColumnSet, photon: Candidate): void {
  const row = appendObject(set, photon);
  set.columns.pfRelIso03_all[row] = rng.exponential(0.5);
}

/** Writes a jet with a b-tag discriminant in [0, 1], near 1 for b jets and near 0 otherwise. */
function writeJet(rng: RandomSampler, set: ColumnSet, jet: Candidate): void {
  const row = appendObject(set, jet);
  set.columns.puId[row] = rng.chance(0.99) ? 1 : 0;
  const u = rng.uniform();
  set.columns.btag[row] = jet.tagged ? 1 - 0.6 * u ** 3 : u ** 4;
}

/** Generates one event and appends all its columns to `batch` at event index `row`. */
function appendEvent(rng: RandomSampler, batch: BatchColumns, row: number): void {
  const event = generateEventContent(rng);
  const { Muon, Electron, Tau, Photon, Jet } = batch.collections;
  for (const muon of event.muons) writeMuon(rng, Muon.values, muon);
  for (const electron of event.electrons) writeElectron(rng, Electron.values, electron);
  for (const tau of event.taus) writeTau(rng, Tau.values, tau);
  for (const photon of event.photons) writePhoton(rng, Photon.values, photon);
  for (const jet of event.jets) writeJet(rng, Jet.values, jet);
  for (const { values, offsets } of Object.values(batch.collections)) {
    offsets[row + 1] = values.length;
  }

  writeVertex(rng, batch.groups.PV, row);
  writeMissingEt(rng, batch.groups.MET, row, event, batch.groups.PV.columns.npvs[row]);
  writeTriggers(batch.groups.HLT, row, event, batch.collections.Muon.values);
}

function writeVertex(rng: RandomSampler, pv: ColumnSet, row: number): void {
  pv.append();
  pv.columns.npvs[row] = Math.max(1, rng.poisson(PILEUP_VERTEX_MEAN));
  pv.columns.x[row] = rng.gaussian(0.0721, 0.003);
  pv.columns.y[row] = rng.gaussian(0.0627, 0.003);
  pv.columns.z[row] = rng.gaussian(0, 5.5);
}

/**
 * Writes MET as the neutrinos' pT plus a Gaussian resolution term. The resolution grows as the
 * square root of the scalar sum of transverse energy, which grows with jet pT and pileup.
 */
function writeMissingEt(
  rng: RandomSampler,
  met: ColumnSet,
  row: number,
  event: EventContent,
  vertices: number,
): void {
  let visiblePt = 0;
  for (const objects of [event.jets, event.muons, event.electrons]) {
    for (const object of objects) visiblePt += object.pt;
  }
  const sumEt = 150 + 30 * vertices + visiblePt + rng.exponential(150);
  const sigma = 0.7 * Math.sqrt(sumEt);
  const x = event.invisibleX + rng.gaussian(0, sigma);
  const y = event.invisibleY + rng.gaussian(0, sigma);
  const covXX = (sigma * rng.between(0.9, 1.1)) ** 2;
  const covYY = (sigma * rng.between(0.9, 1.1)) ** 2;

  met.append();
  met.columns.pt[row] = Math.hypot(x, y);
  met.columns.phi[row] = clampPhi(Math.atan2(y, x));
  met.columns.sumet[row] = sumEt;
  met.columns.significance[row] = (x * x + y * y) / ((covXX + covYY) / 2);
  met.columns.CovXX[row] = covXX;
  met.columns.CovXY[row] = rng.gaussian(0, 0.1 * sigma * sigma);
  met.columns.CovYY[row] = covYY;
}

/** Writes the trigger bits from the event's isolated muons and leading tau. */
function writeTriggers(hlt: ColumnSet, row: number, event: EventContent, muons: ColumnSet): void {
  const first = muons.length - event.muons.length;
  const { pt, eta, pfRelIso04_all } = muons.columns;
  const isolatedMuon = (minPt: number, maxAbsEta: number): boolean => {
    for (let i = first; i < muons.length; i++) {
      const isolated = pfRelIso04_all[i] < TRIGGER_MAX_REL_ISO;
      if (isolated && pt[i] > minPt && Math.abs(eta[i]) < maxAbsEta) return true;
    }
    return false;
  };
  const leadingTau = event.taus[0];
  const tau20 = leadingTau !== undefined && leadingTau.pt > 20 && Math.abs(leadingTau.eta) < 2.1;

  hlt.append();
  hlt.columns.IsoMu24_eta2p1[row] = isolatedMuon(24, 2.1) ? 1 : 0;
  hlt.columns.IsoMu24[row] = isolatedMuon(24, 2.4) ? 1 : 0;
  hlt.columns.IsoMu17_eta2p1_LooseIsoPFTau20[row] = isolatedMuon(17, 2.1) && tau20 ? 1 : 0;
}

function arrowType(kind: ColumnKind): DataType {
  if (kind === 'f32') return new Float32();
  return kind === 'i32' ? new Int32() : new Bool();
}

/** Packs one byte per value into the LSB-first bitmap that Arrow uses for booleans. */
function packBits(bytes: Uint8Array, length: number): Uint8Array {
  const bits = new Uint8Array(Math.ceil(length / 8));
  for (let i = 0; i < length; i++) if (bytes[i]) bits[i >> 3] |= 1 << (i & 7);
  return bits;
}

function columnData(kind: ColumnKind, values: Column, length: number): Data {
  if (kind === 'bool') {
    return makeData({ type: new Bool(), length, data: packBits(values as Uint8Array, length) });
  }
  const type = kind === 'f32' ? new Float32() : new Int32();
  return makeData({ type, length, data: values.subarray(0, length) } as never);
}

/** One schema field and its data for the current batch. */
type FieldData = { field: Field; data: Data };

function flatColumns(batch: BatchColumns, name: GroupName | CollectionName): FieldData[] {
  if (name in EVENT_GROUPS) {
    const set = batch.groups[name as GroupName];
    return set.fields.map(([field, kind]) => ({
      field: new Field(`${name}_${field}`, arrowType(kind), false),
      data: columnData(kind, set.columns[field], batch.events),
    }));
  }

  const { values, offsets } = batch.collections[name as CollectionName];
  const counts = new BigInt64Array(batch.events);
  for (let i = 0; i < batch.events; i++) counts[i] = BigInt(offsets[i + 1] - offsets[i]);
  const countColumn = {
    field: new Field(`n${name}`, new Int64(), false),
    data: makeData({ type: new Int64(), length: batch.events, data: counts }),
  };
  const listColumns = values.fields.map(([field, kind]) => {
    const type = new List(new Field('element', arrowType(kind), false));
    const child = columnData(kind, values.columns[field], values.length);
    const data = makeData({ type, length: batch.events, valueOffsets: offsets, child });
    return { field: new Field(`${name}_${field}`, type, false), data };
  });
  return [countColumn, ...listColumns];
}

function structData(set: ColumnSet, length: number): Data<Struct> {
  const fields = set.fields.map(([field, kind]) => new Field(field, arrowType(kind), true));
  const children = set.fields.map(([field, kind]) => columnData(kind, set.columns[field], length));
  return makeData({ type: new Struct(fields), length, children });
}

function nestedColumn(batch: BatchColumns, name: GroupName | CollectionName): FieldData {
  if (name in EVENT_GROUPS) {
    const data = structData(batch.groups[name as GroupName], batch.events);
    return { field: new Field(name, data.type, false), data };
  }

  const { values, offsets } = batch.collections[name as CollectionName];
  const child = structData(values, values.length);
  const type = new List(new Field('element', child.type, true));
  const data = makeData({ type, length: batch.events, valueOffsets: offsets, child });
  return { field: new Field(name, type, true), data };
}

/** Event identifiers: runs of 1M events, luminosity blocks of 2000, event numbers from 1. */
function idColumns(batch: BatchColumns, nullable: boolean): FieldData[] {
  const runs = new Int32Array(batch.events);
  const lumiBlocks = new BigInt64Array(batch.events);
  const events = new BigInt64Array(batch.events);
  for (let i = 0; i < batch.events; i++) {
    const index = batch.firstEvent + i;
    runs[i] = FIRST_RUN + Math.floor(index / EVENTS_PER_RUN);
    lumiBlocks[i] = BigInt(1 + Math.floor((index % EVENTS_PER_RUN) / EVENTS_PER_LUMI_BLOCK));
    events[i] = BigInt(index + 1);
  }

  const length = batch.events;
  return [
    {
      field: new Field('run', new Int32(), nullable),
      data: makeData({ type: new Int32(), length, data: runs }),
    },
    {
      field: new Field('luminosityBlock', new Int64(), nullable),
      data: makeData({ type: new Int64(), length, data: lumiBlocks }),
    },
    {
      field: new Field('event', new Int64(), nullable),
      data: makeData({ type: new Int64(), length, data: events }),
    },
  ];
}

function toRecordBatch(batch: BatchColumns, layout: 'flat' | 'nested'): RecordBatch {
  const columns =
    layout === 'flat'
      ? [...idColumns(batch, false), ...FLAT_ORDER.flatMap((name) => flatColumns(batch, name))]
      : [...idColumns(batch, true), ...NESTED_ORDER.map((name) => nestedColumn(batch, name))];

  const schema = new Schema(columns.map((column) => column.field));
  const data = makeData({
    type: new Struct(schema.fields),
    length: batch.events,
    children: columns.map((column) => column.data),
  });
  return new RecordBatch(schema, data);
}

function validateOptions(options: GenerateEventsOptions): Required<GenerateEventsOptions> {
  const {
    events,
    seed = DEFAULT_SEED,
    layout = 'flat',
    batchEvents = DEFAULT_BATCH_EVENTS,
  } = options;
  if (!Number.isSafeInteger(events) || events < 0) {
    throw new RangeError(
      `Invalid event count ${events}: expected a non-negative integer such as 1000`,
    );
  }
  if (!Number.isSafeInteger(batchEvents) || batchEvents < 1) {
    throw new RangeError(
      `Invalid batchEvents ${batchEvents}: expected a positive integer such as ${DEFAULT_BATCH_EVENTS}`,
    );
  }
  if (layout !== 'flat' && layout !== 'nested') {
    throw new RangeError(`Invalid layout '${String(layout)}': expected 'flat' or 'nested'`);
  }
  return { events, seed, layout, batchEvents };
}

/**
 * Generates NanoAOD-like CMS events with the column names and Arrow types of the CMS 2012
 * SingleMu sample in the chosen layout, so queries written for the real data run unchanged.
 *
 * Events mix Z -> mu mu (Breit-Wigner mass at 91.19 GeV), W -> mu nu, semileptonic ttbar with
 * four jets or more, and multijet events, with about 3.2 jets, 1.4 muons and 0.2 electrons per
 * event. Every collection is sorted by pT descending. Throws RangeError for invalid options.
 */
export function generateEvents(options: GenerateEventsOptions): Table {
  const { events, seed, layout, batchEvents } = validateOptions(options);
  const rng = new RandomSampler(seed);

  const batches: RecordBatch[] = [];
  for (let first = 0; first < events; first += batchEvents) {
    const batch = createBatchColumns(first, Math.min(batchEvents, events - first));
    for (let row = 0; row < batch.events; row++) appendEvent(rng, batch, row);
    batches.push(toRecordBatch(batch, layout));
  }

  if (batches.length === 0) {
    return new Table(toRecordBatch(createBatchColumns(0, 0), layout).schema);
  }
  return new Table(batches);
}
