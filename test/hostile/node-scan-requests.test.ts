import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManifestObject } from '../../object-class/dataset/manifest.js';
import type { ScanPlan } from '../../object-class/kernels/plan.js';
import { parseQuery } from '../../transformers/func-adl/parser.js';
import { planQuery, type OutputRequest } from '../../transformers/planner/plan-query.js';
import { startStorageNode, type RunningService } from '../../server/storage-node-server.js';
import {
  makeTempStore,
  objectClassClient,
  rawScan,
  type ScanOutcome,
  type TempStore,
} from './hostile-fixtures.js';

/** Set by injected code if a node ever runs text from a plan; it must stay undefined. */
const MARKER = '__skysiftInjected';
const HISTOGRAM: OutputRequest = { kind: 'histogram', bins: 10, low: 0, high: 100 };

function markerValue(): unknown {
  return (globalThis as Record<string, unknown>)[MARKER];
}

describe('storage node Scan with hostile requests', () => {
  let temp: TempStore;
  let node: RunningService;
  let client: ReturnType<typeof objectClassClient>;
  let object: ManifestObject;

  beforeAll(async () => {
    temp = await makeTempStore();
    node = await startStorageNode({ nodeId: 'node-1', store: temp.store, port: 0 });
    client = objectClassClient(node.address);
    object = temp.manifest.objects[0];
  });

  afterAll(async () => {
    client?.close();
    await node?.close();
    temp?.remove();
  });

  function plan(query: string, output: OutputRequest = HISTOGRAM): ScanPlan {
    return planQuery(parseQuery(query), query, temp.manifest.schema, output);
  }

  function request(fields: { object?: unknown; plan?: unknown; schema?: unknown } = {}) {
    return {
      requestId: 'hostile',
      dataset: 'events',
      objectJson: JSON.stringify(fields.object ?? object),
      planJson: JSON.stringify(fields.plan ?? plan('Select(lambda e: e.MET_pt)')),
      schemaJson: JSON.stringify(fields.schema ?? temp.manifest.schema),
    };
  }

  /** Plans `query` and replaces the first occurrence of `from` in its JSON with `to`. */
  function tamperedPlanJson(query: string, from: string, to: string): string {
    const json = JSON.stringify(plan(query, { kind: 'rows' }));
    expect(json).toContain(from);
    return json.replace(from, to);
  }

  function expectRejected(outcome: ScanOutcome, details: string | RegExp): void {
    expect(outcome.code).toBe(grpc.status.INVALID_ARGUMENT);
    if (typeof details === 'string') expect(outcome.details).toContain(details);
    else expect(outcome.details).toMatch(details);
  }

  it('scans a valid request', async () => {
    const outcome = await rawScan(client, request());
    expect(outcome.code).toBe(grpc.status.OK);
    const done = outcome.messages.at(-1)?.done as { partialJson: string; eventsScanned: number };
    expect(done.eventsScanned).toBe(10);
    expect(JSON.parse(done.partialJson).counts.slice(1, 3)).toEqual([10, 0]);
  });

  const INJECTION = `(globalThis.${MARKER} = 1)`;

  it.each([
    ['binary', 'Select(lambda e: e.MET_pt + 1)', '"op":"+"', `"op":"+ ${INJECTION} +"`],
    ['compare', 'Select(lambda e: e.MET_pt < 1)', '"ops":["<"]', `"ops":["< ${INJECTION} <"]`],
    ['unary', 'Select(lambda e: -e.MET_pt)', '"op":"-"', `"op":"-${INJECTION}-"`],
    [
      'boolop',
      'Select(lambda e: e.MET_pt > 1 and e.MET_pt < 5)',
      '"op":"and"',
      `"op":"&& ${INJECTION} &&"`,
    ],
  ])('rejects code in a %s operator', async (_kind, query, from, to) => {
    const planJson = tamperedPlanJson(query, from, to);
    expect(planJson).toContain(MARKER);

    const outcome = await rawScan(client, { ...request(), planJson });
    expectRejected(outcome, 'expected one of');
    expect(markerValue()).toBeUndefined();
  });

  it('rejects a string in a number literal', async () => {
    const planJson = tamperedPlanJson(
      'Select(lambda e: e.MET_pt + 1)',
      '"value":1,',
      `"value":"1; globalThis.${MARKER} = 2",`,
    );
    expectRejected(await rawScan(client, { ...request(), planJson }), 'expected a number');
    expect(markerValue()).toBeUndefined();
  });

  it('rejects a fractional integer literal', async () => {
    const planJson = tamperedPlanJson('Select(lambda e: e.nJet + 1)', '"value":1,', '"value":1.5,');
    expectRejected(await rawScan(client, { ...request(), planJson }), 'expected an integer');
  });

  it('rejects unknown node kinds and missing fields', async () => {
    const cases: [string, string, string, string][] = [
      ['Select(lambda e: e.MET_pt)', '"kind":"attribute"', '"kind":"eval"', 'invalid kind "eval"'],
      ['Select(lambda e: e.MET_pt)', '"name":"MET_pt"', '"name":7', 'expected a string'],
      ['Select(lambda e: e.MET_pt)', '"params":["e"]', '"params":"e"', 'expected an array'],
      ['Select(lambda e: e.MET_pt)', '"keywords":[]', '"keywords":{}', 'expected an array'],
      ['Select(lambda e: e.MET_pt)', '"span":{', '"nospan":{', '.span is missing'],
    ];
    for (const [query, from, to, message] of cases) {
      const planJson = tamperedPlanJson(query, from, to);
      expectRejected(await rawScan(client, { ...request(), planJson }), message);
    }
  });

  it('rejects a tree deeper than the parser allows', async () => {
    const span =
      '{"start":{"line":1,"column":1,"offset":0},"end":{"line":1,"column":2,"offset":1}}';
    const depth = 5000;
    const leaf = `{"kind":"number","value":1,"isInteger":true,"span":${span}}`;
    const body =
      `{"kind":"unary","op":"-","span":${span},"operand":`.repeat(depth) + leaf + '}'.repeat(depth);
    const planJson = tamperedPlanJson(
      'Select(lambda e: 1)',
      JSON.stringify(plan('Select(lambda e: 1)', { kind: 'rows' }).tree.args[0].body),
      body,
    );
    const outcome = await rawScan(client, { ...request(), planJson });
    expectRejected(outcome, 'Query tree exceeds the limit of');
  });

  it.each([
    ['objectJson', '{"key":'],
    ['planJson', 'not json'],
    ['schemaJson', ''],
  ])('rejects invalid JSON in %s', async (field, text) => {
    const outcome = await rawScan(client, { ...request(), [field]: text });
    expectRejected(outcome, `Scan request field ${field} is not valid JSON`);
  });

  it('rejects JSON of the wrong shape', async () => {
    const cases: [object, string][] = [
      [{ object: null }, 'Field objectJson is null'],
      [{ object: { ...object, info: undefined } }, 'Field objectJson.info is missing'],
      [{ plan: [] }, 'planJson is an array'],
      [
        { schema: { fields: [{ name: 'x', type: { kind: 'map' } }] } },
        'expected primitive, list or struct',
      ],
      [{ schema: { fields: 'MET_pt' } }, 'Field schemaJson.fields is "MET_pt"'],
    ];
    for (const [fields, message] of cases) {
      const body = { ...request(), ...rawFields(fields) };
      expectRejected(await rawScan(client, body), message);
    }
  });

  function rawFields(fields: { object?: unknown; plan?: unknown; schema?: unknown }) {
    const out: Record<string, string> = {};
    if ('object' in fields) out.objectJson = JSON.stringify(fields.object) ?? 'null';
    if ('plan' in fields) out.planJson = JSON.stringify(fields.plan);
    if ('schema' in fields) out.schemaJson = JSON.stringify(fields.schema);
    return out;
  }

  it.each([
    ['../../../etc/passwd'],
    ['/etc/passwd'],
    ['datasets/events/objects/../../other/objects/x.arrow'],
    ['datasets/other/objects/x.arrow'],
    ['datasets/events/manifests/0000000001.json'],
  ])('rejects object key %s', async (key) => {
    const outcome = await rawScan(client, request({ object: { ...object, key } }));
    expect(outcome.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(outcome.details).toMatch(/outside dataset 'events'|Invalid object key/);
  });

  it('rejects an invalid dataset name', async () => {
    const outcome = await rawScan(client, { ...request(), dataset: '../events' });
    expectRejected(outcome, "Invalid dataset name '../events'");
  });

  it('rejects giant and negative sizes', async () => {
    for (const byteSize of [1e300, -5, 2 ** 60]) {
      const info = { ...object.info, byteSize };
      const outcome = await rawScan(client, request({ object: { ...object, info } }));
      expectRejected(outcome, 'info.byteSize');
    }
  });

  it('rejects giant histogram and limit values', async () => {
    const good = plan('Select(lambda e: e.MET_pt)');
    const rows = plan('Select(lambda e: e.MET_pt)', { kind: 'rows' });
    const cases: [object, string][] = [
      [{ ...good, output: { kind: 'histogram', bins: 1e9, low: 0, high: 1 } }, 'bin count'],
      [{ ...good, output: { kind: 'histogram', bins: '10', low: 0, high: 1 } }, 'bin count'],
      [{ ...good, output: { kind: 'histogram', bins: 10, low: 1, high: 1 } }, 'range'],
      [{ ...good, output: { kind: 'eval' } }, 'Plan output kind "eval" is invalid'],
      [{ ...good, maxCombinationsPerEvent: 'x' }, 'maxCombinationsPerEvent'],
      [{ ...good, maxCombinationsPerEvent: 0 }, 'maxCombinationsPerEvent'],
      [{ ...rows, output: { kind: 'rows', maxRows: -1, maxBytes: 10 } }, 'maxResultRows'],
      [{ ...good, query: 42 }, 'Plan query is number'],
    ];
    for (const [hostilePlan, message] of cases) {
      const outcome = await rawScan(client, request({ plan: hostilePlan }));
      expect(outcome.details, message).toContain(message);
      expectRejected(outcome, message);
    }
    // JSON.parse reads 1e400 as Infinity, which must not lift the limit.
    const infinite = JSON.stringify(good).replace(
      '"maxCombinationsPerEvent":1000000',
      '"maxCombinationsPerEvent":1e400',
    );
    expect(infinite).toContain('1e400');
    const outcome = await rawScan(client, { ...request(), planJson: infinite });
    expectRejected(outcome, 'maxCombinationsPerEvent');
  });

  it('applies each plan its own combination limit', async () => {
    const query = 'Select(lambda e: e.Jet_pt.Choose(2).Count())';
    const loose = plan(query, { kind: 'rows' });
    expect((await rawScan(client, request({ plan: loose }))).code).toBe(grpc.status.OK);

    const strict = { ...loose, maxCombinationsPerEvent: 1 };
    const outcome = await rawScan(client, request({ plan: strict }));
    expect(outcome.code).not.toBe(grpc.status.OK);
    expect(outcome.details).toMatch(/combinations/i);
  });

  it('keeps serving after hostile requests', async () => {
    const outcome = await rawScan(client, request());
    expect(outcome.code).toBe(grpc.status.OK);
    expect(markerValue()).toBeUndefined();
  });
});
