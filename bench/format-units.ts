/** Formats events per second in millions with three significant digits, such as `5.12M`. */
export function formatRate(eventsPerSecond: number | undefined): string {
  if (eventsPerSecond === undefined || !Number.isFinite(eventsPerSecond)) return 'n/a';
  return `${Number((eventsPerSecond / 1e6).toPrecision(3))}M`;
}

/** Formats a byte count with a decimal unit, such as `1.23 MB`. */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return 'n/a';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toPrecision(3)} ${units[unit]}`;
}

/** Formats a duration in seconds with three significant digits in s, ms or µs, such as `12.3 ms`. */
export function formatSeconds(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return 'n/a';
  if (seconds >= 1 || seconds === 0) return `${Number(seconds.toPrecision(3))} s`;
  if (seconds >= 1e-3) return `${Number((seconds * 1e3).toPrecision(3))} ms`;
  return `${Number((seconds * 1e6).toPrecision(3))} µs`;
}

/** Formats a ratio with three significant digits and a multiplication sign, such as `2.5x`. */
export function formatRatio(ratio: number | undefined): string {
  if (ratio === undefined || !Number.isFinite(ratio)) return 'n/a';
  return `${Number(ratio.toPrecision(3))}x`;
}

/** Formats a fraction as a percentage with two significant digits, such as `0.0012%`. */
export function formatPercent(fraction: number | undefined): string {
  if (fraction === undefined || !Number.isFinite(fraction)) return 'n/a';
  return `${Number((fraction * 100).toPrecision(2))}%`;
}

/** Renders a Markdown table. Cells must not contain `|`. */
export function markdownTable(headers: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}
