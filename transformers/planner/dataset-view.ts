import type {
  ColumnField,
  ColumnType,
  DatasetSchema,
  PrimitiveTypeName,
} from '../../object-class/dataset/schema.js';

/**
 * The logical view of a dataset that queries see, the same for the flat NanoAOD layout
 * (`Jet_pt: list<float32>`, `MET_pt: float32`) and the nested layout
 * (`Jet: list<struct<pt, ...>>`, `MET: struct<pt, ...>`). Both give `e.Jet` (a collection of
 * records), `e.Jet_pt` (a jagged list of numbers), `e.MET` (a record), `e.MET_pt` (a number)
 * and `e.nJet` (the jet count).
 */
export interface DatasetView {
  /** Event attributes by name. */
  entries: Map<string, ViewEntry>;
  /** Collections by name. */
  collections: Map<string, CollectionSource>;
}

/** One physical leaf: its path from a top-level column and its primitive type. */
export interface LeafSource {
  path: string[];
  primitive: PrimitiveTypeName;
}

/**
 * A collection of records. In the nested layout its records are the elements of one list of
 * structs; in the flat layout each field is its own list column, and the lists must have one
 * length per event.
 */
export interface CollectionSource {
  name: string;
  layout: 'flat' | 'nested';
  /** Fields in schema order; each leaf path starts at the list column that contains it. */
  fields: Map<string, LeafSource>;
}

/** Resolution of one event attribute. */
export type ViewEntry =
  | { kind: 'scalar'; leaf: LeafSource }
  | { kind: 'count'; collection: string }
  | { kind: 'record'; name: string; fields: Map<string, LeafSource> }
  | { kind: 'collection'; collection: string }
  | { kind: 'jagged'; collection: string; field: string }
  | { kind: 'unsupported'; reason: string };

/** Builds the logical view of a dataset schema. */
export function buildDatasetView(schema: DatasetSchema): DatasetView {
  const view: DatasetView = { entries: new Map(), collections: new Map() };
  const flatLists = new Map<string, ColumnField[]>();
  const flatScalars = new Map<string, ColumnField[]>();

  for (const field of schema.fields) {
    addPhysicalColumn(view, field, flatLists, flatScalars);
  }

  for (const [prefix, fields] of flatLists) addFlatCollection(view, prefix, fields);
  for (const [prefix, fields] of flatScalars) addFlatRecord(view, prefix, fields);
  addCounters(view);
  return view;
}

function addPhysicalColumn(
  view: DatasetView,
  field: ColumnField,
  flatLists: Map<string, ColumnField[]>,
  flatScalars: Map<string, ColumnField[]>,
): void {
  const { name, type } = field;
  const prefix = flatPrefix(name);

  if (type.kind === 'primitive') {
    view.entries.set(name, scalarEntry(name, type.name, [name]));
    if (prefix !== undefined) pushGroup(flatScalars, prefix, field);
    return;
  }

  if (type.kind === 'struct') {
    addNestedRecord(view, name, type);
    return;
  }

  addListColumn(view, field, type.element, prefix, flatLists);
}

function addListColumn(
  view: DatasetView,
  field: ColumnField,
  element: ColumnType,
  prefix: string | undefined,
  flatLists: Map<string, ColumnField[]>,
): void {
  if (element.kind === 'struct') {
    addNestedCollection(view, field.name, element.fields);
    return;
  }

  if (element.kind === 'list') {
    view.entries.set(field.name, {
      kind: 'unsupported',
      reason: 'it is a list of lists, which skysift cannot scan yet',
    });
    return;
  }

  if (prefix !== undefined) {
    pushGroup(flatLists, prefix, field);
    return;
  }

  // A list of numbers with no `X_` prefix is a collection of its own with one field.
  const collection: CollectionSource = {
    name: field.name,
    layout: 'flat',
    fields: new Map([[field.name, { path: [field.name], primitive: element.name }]]),
  };
  view.collections.set(field.name, collection);
  view.entries.set(field.name, { kind: 'jagged', collection: field.name, field: field.name });
}

function scalarEntry(name: string, primitive: PrimitiveTypeName, path: string[]): ViewEntry {
  if (primitive === 'utf8') {
    return {
      kind: 'unsupported',
      reason: `'${name}' is a string column, which skysift cannot scan`,
    };
  }
  return { kind: 'scalar', leaf: { path, primitive } };
}

function addNestedRecord(
  view: DatasetView,
  name: string,
  type: Extract<ColumnType, { kind: 'struct' }>,
): void {
  const fields = new Map<string, LeafSource>();
  for (const child of type.fields) {
    if (child.type.kind !== 'primitive' || child.type.name === 'utf8') continue;
    const leaf = { path: [name, child.name], primitive: child.type.name };
    fields.set(child.name, leaf);
    setIfAbsent(view, `${name}_${child.name}`, { kind: 'scalar', leaf });
  }
  view.entries.set(name, { kind: 'record', name, fields });
}

function addNestedCollection(view: DatasetView, name: string, children: ColumnField[]): void {
  const fields = new Map<string, LeafSource>();
  for (const child of children) {
    if (child.type.kind !== 'primitive' || child.type.name === 'utf8') continue;
    fields.set(child.name, { path: [name, child.name], primitive: child.type.name });
  }
  if (fields.size === 0) {
    view.entries.set(name, { kind: 'unsupported', reason: 'its structs have no numeric fields' });
    return;
  }

  view.collections.set(name, { name, layout: 'nested', fields });
  view.entries.set(name, { kind: 'collection', collection: name });
  for (const field of fields.keys()) {
    setIfAbsent(view, `${name}_${field}`, { kind: 'jagged', collection: name, field });
  }
}

function addFlatCollection(view: DatasetView, prefix: string, lists: ColumnField[]): void {
  if (view.entries.has(prefix)) {
    // A physical column named like the prefix wins; the lists stay reachable by full name.
    for (const list of lists) addSingleList(view, list);
    return;
  }

  const fields = new Map<string, LeafSource>();
  for (const list of lists) {
    const element = (list.type as Extract<ColumnType, { kind: 'list' }>).element;
    const primitive = (element as Extract<ColumnType, { kind: 'primitive' }>).name;
    if (primitive === 'utf8') {
      view.entries.set(list.name, { kind: 'unsupported', reason: 'it holds strings' });
      continue;
    }
    fields.set(list.name.slice(prefix.length + 1), { path: [list.name], primitive });
    view.entries.set(list.name, {
      kind: 'jagged',
      collection: prefix,
      field: list.name.slice(prefix.length + 1),
    });
  }
  view.collections.set(prefix, { name: prefix, layout: 'flat', fields });
  view.entries.set(prefix, { kind: 'collection', collection: prefix });
}

function addSingleList(view: DatasetView, list: ColumnField): void {
  const element = (list.type as Extract<ColumnType, { kind: 'list' }>).element;
  const primitive = (element as Extract<ColumnType, { kind: 'primitive' }>).name;
  const collection = `${list.name}`;
  view.collections.set(collection, {
    name: collection,
    layout: 'flat',
    fields: new Map([[list.name, { path: [list.name], primitive }]]),
  });
  view.entries.set(list.name, { kind: 'jagged', collection, field: list.name });
}

function addFlatRecord(view: DatasetView, prefix: string, scalars: ColumnField[]): void {
  if (view.entries.has(prefix)) return;

  const fields = new Map<string, LeafSource>();
  for (const scalar of scalars) {
    const type = scalar.type as Extract<ColumnType, { kind: 'primitive' }>;
    if (type.name === 'utf8') continue;
    fields.set(scalar.name.slice(prefix.length + 1), { path: [scalar.name], primitive: type.name });
  }
  view.entries.set(prefix, { kind: 'record', name: prefix, fields });
}

/** Adds `nX` for every collection `X` that has no physical counter column. */
function addCounters(view: DatasetView): void {
  for (const name of view.collections.keys()) {
    setIfAbsent(view, `n${name}`, { kind: 'count', collection: name });
  }
}

function setIfAbsent(view: DatasetView, name: string, entry: ViewEntry): void {
  if (!view.entries.has(name)) view.entries.set(name, entry);
}

function flatPrefix(name: string): string | undefined {
  const underscore = name.indexOf('_');
  return underscore > 0 && underscore < name.length - 1 ? name.slice(0, underscore) : undefined;
}

function pushGroup(groups: Map<string, ColumnField[]>, key: string, field: ColumnField): void {
  const group = groups.get(key);
  if (group) group.push(field);
  else groups.set(key, [field]);
}
