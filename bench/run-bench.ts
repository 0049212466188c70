import { promises as fs } from 'node:fs';
import path from 'node:path';
import { BENCH_USAGE, parseBenchOptions } from './bench-options.js';
import { renderBenchmarkPage, throughputSvgPath } from './benchmark-page.js';
import { runBenchmark } from './run-benchmark.js';
import { renderThroughputSvg } from './throughput-svg.js';

/**
 * `npm run bench`: runs the benchmark, writes the Markdown page and the throughput plot, and
 * exits with status 1 when a histogram check failed, 2 for invalid options.
 */
async function main(argv: string[]): Promise<number> {
  let options;
  try {
    options = parseBenchOptions(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${BENCH_USAGE}\n`);
    return 2;
  }
  if (options === null) {
    process.stdout.write(`${BENCH_USAGE}\n`);
    return 0;
  }

  // Servers log every query at info level, which would bury the progress lines.
  process.env.SKYSIFT_LOG_LEVEL ??= 'warn';
  const report = await runBenchmark(options, (line) => process.stderr.write(`bench: ${line}\n`));

  const command = ['npm run bench', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' ');
  const svgPath = throughputSvgPath(options.out);
  await fs.mkdir(path.dirname(options.out), { recursive: true });
  await fs.writeFile(options.out, renderBenchmarkPage(report, command, path.basename(svgPath)));
  await fs.writeFile(svgPath, renderThroughputSvg(report));
  process.stderr.write(`bench: wrote ${options.out} and ${svgPath}\n`);

  const failed = report.tasks.flatMap((task) => task.checks.filter((check) => !check.ok));
  for (const check of failed)
    process.stderr.write(`bench: check failed: ${check.subject}: ${check.detail}\n`);
  return failed.length > 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
