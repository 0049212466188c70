/**
 * Column layout of the CMS 2012 Run2012B SingleMu NanoAOD-like sample: the object collections,
 * the per-event groups, their fields and storage types, and the column order of both layouts.
 */

/** Storage type of one column: float32, int32 or boolean. */
export type ColumnKind = 'f32' | 'i32' | 'bool';

/** A column name and its storage type. */
export type FieldSpec = readonly [name: string, kind: ColumnKind];

const KINEMATIC_FIELDS: FieldSpec[] = [
  ['pt', 'f32'],
  ['eta', 'f32'],
  ['phi', 'f32'],
  ['mass', 'f32'],
];
const TRUTH_LINK_FIELDS: FieldSpec[] = [
  ['jetIdx', 'i32'],
  ['genPartIdx', 'i32'],
];
const IMPACT_FIELDS: FieldSpec[] = [
  ['dxy', 'f32'],
  ['dxyErr', 'f32'],
  ['dz', 'f32'],
  ['dzErr', 'f32'],
];
/** Tau isolation working points, ordered from loosest to tightest. */
export const TAU_ISO_COLUMNS = ['VLoose', 'Loose', 'Medium', 'Tight'].map(
  (point) => `idIso${point}`,
);
/** Tau working points against electrons, ordered from loosest to tightest. */
export const TAU_ANTI_ELECTRON_COLUMNS = ['Loose', 'Medium', 'Tight'].map(
  (point) => `idAntiEle${point}`,
);
/** Tau working points against muons, ordered from loosest to tightest. */
export const TAU_ANTI_MUON_COLUMNS = ['Loose', 'Medium', 'Tight'].map(
  (point) => `idAntiMu${point}`,
);

/** Object collections and their fields, in the column order of the CMS 2012 NanoAOD-like sample. */
export const COLLECTIONS = {
  Muon: [
    ...KINEMATIC_FIELDS,
    ['charge', 'i32'],
    ['pfRelIso03_all', 'f32'],
    ['pfRelIso04_all', 'f32'],
    ['tightId', 'bool'],
    ['softId', 'bool'],
    ...IMPACT_FIELDS,
    ...TRUTH_LINK_FIELDS,
  ],
  Electron: [
    ...KINEMATIC_FIELDS,
    ['charge', 'i32'],
    ['pfRelIso03_all', 'f32'],
    ...IMPACT_FIELDS,
    ['cutBasedId', 'bool'],
    ['pfId', 'bool'],
    ...TRUTH_LINK_FIELDS,
  ],
  Tau: [
    ...KINEMATIC_FIELDS,
    ['charge', 'i32'],
    ['decayMode', 'i32'],
    ['relIso_all', 'f32'],
    ...TRUTH_LINK_FIELDS,
    ['idDecayMode', 'bool'],
    ['idIsoRaw', 'f32'],
    ...[...TAU_ISO_COLUMNS, ...TAU_ANTI_ELECTRON_COLUMNS, ...TAU_ANTI_MUON_COLUMNS].map(
      (name): FieldSpec => [name, 'bool'],
    ),
  ],
  Photon: [...KINEMATIC_FIELDS, ['charge', 'i32'], ['pfRelIso03_all', 'f32'], ...TRUTH_LINK_FIELDS],
  Jet: [...KINEMATIC_FIELDS, ['puId', 'bool'], ['btag', 'f32']],
} satisfies Record<string, FieldSpec[]>;

/** Name of an object collection such as `Jet`. */
export type CollectionName = keyof typeof COLLECTIONS;

/** Per-event groups: `MET_pt` columns in the flat layout, a struct `MET` in the nested one. */
export const EVENT_GROUPS = {
  HLT: [
    ['IsoMu24_eta2p1', 'bool'],
    ['IsoMu24', 'bool'],
    ['IsoMu17_eta2p1_LooseIsoPFTau20', 'bool'],
  ],
  PV: [
    ['npvs', 'i32'],
    ['x', 'f32'],
    ['y', 'f32'],
    ['z', 'f32'],
  ],
  MET: ['pt', 'phi', 'sumet', 'significance', 'CovXX', 'CovXY', 'CovYY'].map((name): FieldSpec => [
    name,
    'f32',
  ]),
} satisfies Record<string, FieldSpec[]>;

/** Name of a per-event group such as `MET`. */
export type GroupName = keyof typeof EVENT_GROUPS;

/** Column order of the flat layout after `run`, `luminosityBlock` and `event`. */
export const FLAT_ORDER = ['HLT', 'PV', 'Muon', 'Electron', 'Tau', 'Photon', 'MET', 'Jet'] as const;
/** Column order of the nested layout after `run`, `luminosityBlock` and `event`. */
export const NESTED_ORDER = [
  'MET',
  'HLT',
  'PV',
  'Muon',
  'Electron',
  'Photon',
  'Jet',
  'Tau',
] as const;
