import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SkysiftClient } from '../../client/skysift-client.js';
import { appendTable } from '../../object-class/dataset/append-table.js';
import { MAX_MESSAGE_BYTES } from '../../server/rpc/protos.js';
import { startEmbeddedCluster, type EmbeddedCluster } from '../../server/embedded-cluster.js';
import { makeEvents, makeTempStore, NODE_IDS, type TempStore } from './hostile-fixtures.js';

const ROWS = { kind: 'rows' } as const;

describe('hostile queries through a cluster', () => {
  let temp: TempStore;
  let cluster: EmbeddedCluster;
  let client: SkysiftClient;

  beforeAll(async () => {
    temp = await makeTempStore(40, 10);
    await appendTable(temp.store, 'single', [makeEvents(1000)], {
      eventsPerObject: 1000,
      nodes: NODE_IDS,
    });
    cluster = await startEmbeddedCluster({ store: temp.store });
    client = new SkysiftClient(cluster.endpoint);
  });

  afterAll(async () => {
    client?.close();
    await cluster?.close();
    temp?.remove();
  });

  async function rows(query: string, dataset = 'events') {
    const result = await client.query({ dataset, query, output: ROWS });
    return result.table!;
  }

  async function failure(query: string, output: object = ROWS): Promise<Error> {
    const outcome = await client
      .query({ dataset: 'events', query, output: output as typeof ROWS })
      .then(() => new Error('the query succeeded'))
      .catch((error: Error) => error);
    expect(outcome.message).not.toBe('the query succeeded');
    return outcome;
  }

  it.each([
    ['Select(lambda e: (e.nJet + 1) // 0)', 'Integer result Infinity'],
    ['Select(lambda e: e.nJet % 0)', 'Integer result NaN'],
    ['Select(lambda e: 2 ** 64)', 'Integer result 18446744073709552000'],
    // Which object fails first varies, and so does the overflowing nJet value it reports.
    ['Select(lambda e: e.nJet * 4503599627370496 * 2048)', 'Integer result '],
  ])('rejects int results outside int64: %s', async (query, message) => {
    const error = await failure(query);
    expect(error.message).toContain(message);
    expect(error.message).toContain("column 'col1' is outside the int64 range");
    expect(error.message).toMatch(/Scan of object 'datasets\/events\/objects\/[^']+\.arrow'/);
    expect(error.message).not.toContain('once the node is back');
  });

  it('rejects int literals beyond 2^53', async () => {
    const error = await failure(`Select(lambda e: ${'9'.repeat(300)})`);
    expect(error.message).toContain('outside the exact range of ±9007199254740991');
    const near = await failure('Select(lambda e: 9007199254740993 + 1)');
    expect(near.message).toContain('Integer 9007199254740992 is outside the exact range');
  });

  it('keeps the largest exact int literal', async () => {
    const table = await rows('Select(lambda e: 9007199254740991 + 0)');
    expect(table.numRows).toBe(40);
    expect(table.getChild('col1')!.get(0)).toBe(9007199254740991n);
  });

  it('gives IEEE values for float division by zero', async () => {
    const table = await rows("Select(lambda e: {'inf': e.MET_pt / 0, 'nan': 0.0 / 0})");
    expect(table.getChild('inf')!.get(0)).toBe(Infinity);
    expect(table.getChild('nan')!.get(0)).toBeNaN();
  });

  it('counts NaN histogram entries apart', async () => {
    const result = await client.query({
      dataset: 'events',
      query: 'Select(lambda e: math.log(-e.MET_pt))',
      output: { kind: 'histogram', bins: 4, low: 0, high: 1 },
    });
    const histogram = result.aggregate as { counts: number[]; nanCount: number };
    expect(histogram.nanCount).toBe(40);
    expect(histogram.counts.reduce((a, b) => a + b, 0)).toBe(0);
  });

  it.each(['Select(lambda e: {})', 'Select(lambda e: ())'])(
    'rejects rows without columns: %s',
    async (query) => {
      const error = await failure(query);
      expect(error.message).toContain('gives rows without columns');
    },
  );

  it('stops Choose at the combination limit', async () => {
    const list = `[${Array.from({ length: 40 }, (_, i) => i).join(', ')}]`;
    const error = await failure(`Select(lambda e: ${list}.Choose(6).Count())`);
    expect(error.message).toContain('more than the limit of 1000000 combinations of 6');
  });

  it.each([
    [
      'huge Choose',
      'Select(lambda e: e.Jet_pt.Choose(1000000000).Count())',
      'Choose needs an integer literal',
    ],
    ['__proto__', 'Select(lambda e: e.__proto__)', "Unknown column '__proto__'"],
    ['constructor', 'Select(lambda e: e.constructor)', "Unknown column 'constructor'"],
    ['toString', 'Select(lambda e: e.MET_pt.toString)', "has no attribute 'toString'"],
    [
      'keyword argument',
      'Select(lambda e: e.MET_pt, key=1)',
      "Keyword argument 'key' is not supported",
    ],
    ['unknown operator', 'Select(lambda e: e.MET_pt <> 1)', "Unexpected token '>'"],
    ['unknown method', 'Select(lambda e: e.MET_pt).Foo(lambda x: x)', "Unknown operator 'Foo'"],
    ['wrong arity', 'Select(lambda e, f: e.MET_pt)', 'this lambda has 2'],
    ['template', 'Select(lambda e: `${e}`)', "Unexpected character '`'"],
    ['null byte', 'Select(lambda e: e.MET_pt)\u0000', 'Unexpected character U+0000'],
    ['quoted code', 'Select(lambda e: "\'); process.exit(1) //")', 'cannot be used as a value'],
    ['half qastle', '(Select (call EventDataset) lambda e: e.MET_pt)', "Reserved word 'lambda'"],
    [
      'deep nesting',
      `Select(lambda e: ${'('.repeat(100)}1${')'.repeat(100)})`,
      'nesting is deeper',
    ],
    ['huge query', `Select(lambda e: ${'1 + '.repeat(20000)}1)`, 'over the limit of 65536 bytes'],
  ])('rejects %s with a query error', async (_label, query, message) => {
    const error = await failure(query);
    expect(error.message).toContain(message);
    expect(error.message).toMatch(/^line \d+, column \d+: /);
  });

  it('reports an error at the end of a long line', async () => {
    const query = `Select(lambda e: [${'1, '.repeat(12000)}e.nope])`;
    const started = performance.now();
    const error = await failure(query);
    expect(performance.now() - started).toBeLessThan(10_000);
    const column = query.indexOf('nope') + 1;
    expect(error.message).toContain(`line 1, column ${column}: Unknown column 'nope'`);

    const [, shown, caret] = error.message.split('\n');
    expect(shown.length).toBeLessThan(130);
    expect(shown.startsWith('  ...')).toBe(true);
    expect(shown).toContain('1, 1, 1, ');
    expect(shown.endsWith('e.nope])')).toBe(true);
    expect(caret.indexOf('^')).toBe(shown.indexOf('nope'));
  });

  it('returns rows of one object over the gRPC message limit', async () => {
    // 1000 events times 9000 values of 8 bytes: 72 MB of rows from one object.
    const list = `[${Array.from({ length: 9000 }, () => 1).join(',')}]`;
    const table = await rows(
      `SelectMany(lambda e: ${list}.Select(lambda x: e.MET_pt * x))`,
      'single',
    );
    expect(9000 * 1000 * 8).toBeGreaterThan(MAX_MESSAGE_BYTES);
    expect(table.numRows).toBe(9_000_000);
    const values = table.getChild('col1')!;
    expect(values.get(0)).toBe(0.5);
    expect(values.get(8999)).toBe(0.5);
    expect(values.get(9000)).toBe(1.5);
    expect(values.get(8_999_999)).toBe(999.5);
  }, 120_000);
});
