import { formatRate } from './format-units.js';
import type { BenchReport, TaskReport } from './run-benchmark.js';

/** One bar of a task's group. */
interface Series {
  label: string;
  color: string;
  value: (task: TaskReport) => number | undefined;
}

const SERIES: Series[] = [
  { label: 'skysift per core (kernel)', color: '#1f77b4', value: (t) => t.kernel?.eventsPerSecond },
  {
    label: 'skysift end-to-end (local, 1 node)',
    color: '#2ca02c',
    value: (t) => t.endToEnd['local-1']?.eventsPerSecond,
  },
  {
    label: 'DuckDB, 1 thread, in memory',
    color: '#ff7f0e',
    value: (t) => {
      const seconds = t.duckdb.memory?.seconds;
      const events = t.kernel?.events;
      return seconds === undefined || events === undefined ? undefined : events / seconds;
    },
  },
];

const WIDTH = 860;
const LEFT = 90;
const RIGHT = 30;
const TOP = 50;
const BAR_HEIGHT = 9;
const GROUP_GAP = 12;
const AXIS_HEIGHT = 40;
const LEGEND_HEIGHT = 60;

/**
 * Renders a horizontal bar chart of events per second per task on a logarithmic axis, with the
 * per-core target of each task as a black tick.
 */
export function renderThroughputSvg(report: BenchReport): string {
  const groupHeight = SERIES.length * BAR_HEIGHT + GROUP_GAP;
  const plotHeight = report.tasks.length * groupHeight;
  const height = TOP + plotHeight + AXIS_HEIGHT + LEGEND_HEIGHT;
  const scale = logScale(report);

  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" ` +
      `viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="white"/>`,
    `<text x="${LEFT}" y="24" font-size="15">Events per second per ADL task ` +
      `(${report.events.count} events, log scale)</text>`,
    ...gridLines(scale, TOP, plotHeight),
    ...report.tasks.flatMap((task, i) => taskGroup(task, TOP + i * groupHeight, scale)),
    ...legend(TOP + plotHeight + AXIS_HEIGHT),
    '</svg>',
  ];
  return `${parts.join('\n')}\n`;
}

interface LogScale {
  min: number;
  max: number;
  x(value: number): number;
}

function logScale(report: BenchReport): LogScale {
  const values = report.tasks.flatMap((task) => [
    task.task.targetEventsPerSecond,
    ...SERIES.map((series) => series.value(task)),
  ]);
  const finite = values.filter((v): v is number => v !== undefined && Number.isFinite(v) && v > 0);
  const min = 10 ** Math.floor(Math.log10(Math.min(...finite, 1e5)));
  const max = 10 ** Math.ceil(Math.log10(Math.max(...finite, 1e6)));
  const span = Math.log10(max) - Math.log10(min);
  const x = (value: number) =>
    LEFT + ((Math.log10(Math.max(value, min)) - Math.log10(min)) / span) * (WIDTH - LEFT - RIGHT);
  return { min, max, x };
}

function gridLines(scale: LogScale, top: number, plotHeight: number): string[] {
  const lines: string[] = [];
  for (let value = scale.min; value <= scale.max; value *= 10) {
    const x = scale.x(value).toFixed(1);
    lines.push(
      `<line x1="${x}" y1="${top}" x2="${x}" y2="${top + plotHeight}" stroke="#ddd"/>`,
      `<text x="${x}" y="${top + plotHeight + 16}" text-anchor="middle">${formatRate(value)}</text>`,
    );
  }
  return lines;
}

function taskGroup(task: TaskReport, y: number, scale: LogScale): string[] {
  const parts = [
    `<text x="${LEFT - 8}" y="${y + (SERIES.length * BAR_HEIGHT) / 2 + 4}" ` +
      `text-anchor="end">${task.task.id}</text>`,
  ];
  SERIES.forEach((series, i) => {
    const value = series.value(task);
    if (value === undefined || !Number.isFinite(value)) return;
    const width = Math.max(1, scale.x(value) - LEFT).toFixed(1);
    parts.push(
      `<rect class="bar" x="${LEFT}" y="${y + i * BAR_HEIGHT}" width="${width}" height="${BAR_HEIGHT - 1}" ` +
        `fill="${series.color}"><title>${series.label}: ${formatRate(value)} events/s</title></rect>`,
    );
  });
  const targetX = scale.x(task.task.targetEventsPerSecond).toFixed(1);
  parts.push(
    `<line x1="${targetX}" y1="${y - 2}" x2="${targetX}" y2="${y + SERIES.length * BAR_HEIGHT + 1}" ` +
      `stroke="black" stroke-width="2"><title>target per core: ` +
      `${formatRate(task.task.targetEventsPerSecond)} events/s</title></line>`,
  );
  return parts;
}

function legend(y: number): string[] {
  const entries = [
    ...SERIES.map((series) => ({ label: series.label, color: series.color })),
    { label: 'target per core (published, not measured here)', color: 'black' },
  ];
  return entries.map((entry, i) => {
    const x = LEFT + (i % 2) * 380;
    const row = y + Math.floor(i / 2) * 20;
    return (
      `<rect x="${x}" y="${row}" width="12" height="12" fill="${entry.color}"/>` +
      `<text x="${x + 18}" y="${row + 10}">${entry.label}</text>`
    );
  });
}
