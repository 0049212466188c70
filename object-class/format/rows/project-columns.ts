import {
  DataType,
  List,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  type Data,
  type Field,
  type Table,
} from 'apache-arrow';
import { selectColumns } from '../column-selection.js';
import { layoutSchema, type FieldLayout } from '../object-layout.js';

type DataProps = Record<string, unknown> & { type: DataType; length: number };
const makeAnyData = makeData as unknown as (props: DataProps) => Data;

/**
 * Keeps the requested columns of a decoded table, the way the ranged reader does for an Arrow
 * object: the selected top-level columns and, inside structs and lists of structs, only the
 * selected struct fields, in schema order. Column paths are like `['Jet', 'pt']`; see
 * `selectColumns`, which throws `ColumnNotFoundError` naming `key` for unknown columns.
 */
export function projectColumns(key: string, table: Table, columns: string[][]): RecordBatch[] {
  const layout = layoutSchema(table.schema);
  const selection = selectColumns(key, layout, columns);
  const kept = layout.fields.filter((field) => selection.fields.has(field));
  return table.batches.map((batch) => {
    const projected = kept.map((field) => {
      const index = layout.fields.indexOf(field);
      return pruneField(field, batch.data.children[index] as Data, selection.fields);
    });
    const fields = projected.map((column) => column.field);
    const data = makeAnyData({
      type: new Struct(fields),
      length: batch.numRows,
      nullCount: 0,
      children: projected.map((column) => column.data),
    });
    return new RecordBatch(new Schema(fields), data as Data<Struct>);
  });
}

function pruneField(
  layout: FieldLayout,
  data: Data,
  selected: Set<FieldLayout>,
): { field: Field; data: Data } {
  const type = layout.field.type;
  if (DataType.isStruct(type)) {
    const children = layout.children
      .map((child, i) => ({ child, data: data.children[i] as Data }))
      .filter(({ child }) => selected.has(child))
      .map(({ child, data: childData }) => pruneField(child, childData, selected));
    const prunedType = new Struct(children.map((child) => child.field));
    const pruned = data.clone(
      prunedType,
      undefined,
      undefined,
      undefined,
      undefined,
      children.map((child) => child.data),
    );
    return { field: layout.field.clone({ type: prunedType }), data: pruned };
  }
  if (DataType.isList(type)) {
    const child = pruneField(layout.children[0], data.children[0] as Data, selected);
    const prunedType = new List(child.field);
    const pruned = data.clone(prunedType, undefined, undefined, undefined, undefined, [child.data]);
    return { field: layout.field.clone({ type: prunedType }), data: pruned };
  }
  return { field: layout.field, data };
}
