import { loadBenchEvents } from './bench-events.js';
import { writeArrowObject } from '../object-class/format/write-arrow-object.js';
import { computeColumnStatistics } from '../object-class/format/column-statistics.js';
import { rechunkTable } from '../object-class/format/rechunk-table.js';
const events = await loadBenchEvents({ events: 100000, sampleDataDir: '/work/shared/data' });
let t = performance.now();
const b = rechunkTable(events.table, 65536); console.log('rechunk', performance.now() - t); t = performance.now();
computeColumnStatistics(events.table); console.log('stats', performance.now() - t); t = performance.now();
writeArrowObject(events.table, {}); console.log('write', performance.now() - t);
