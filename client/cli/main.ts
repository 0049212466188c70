import { QuerySyntaxError } from '../../transformers/func-adl/query-syntax-error.js';
import { CliError } from './cli-error.js';
import {
  DATASETS_USAGE,
  datasetsCommand,
  EXPLAIN_USAGE,
  explainCommand,
} from './commands/dataset-commands.js';
import {
  DELIVER_USAGE,
  deliverCommand,
  DELIVERY_USAGE,
  deliveryCommand,
} from './commands/delivery-command.js';
import { COMPACT_USAGE, compactCommand } from './commands/compact-command.js';
import { DEMO_USAGE, demoCommand } from './commands/demo-command.js';
import { INGEST_USAGE, ingestCommand } from './commands/ingest-command.js';
import { QUERY_USAGE, queryCommand } from './commands/query-command.js';
import {
  NODE_USAGE,
  nodeCommand,
  TRANSFORMER_USAGE,
  transformerCommand,
} from './commands/service-commands.js';

interface Command {
  usage: string;
  run(args: string[]): Promise<void>;
}

const COMMANDS: Record<string, Command> = {
  demo: { usage: DEMO_USAGE, run: demoCommand },
  ingest: { usage: INGEST_USAGE, run: ingestCommand },
  compact: { usage: COMPACT_USAGE, run: compactCommand },
  query: { usage: QUERY_USAGE, run: queryCommand },
  explain: { usage: EXPLAIN_USAGE, run: explainCommand },
  datasets: { usage: DATASETS_USAGE, run: datasetsCommand },
  node: { usage: NODE_USAGE, run: nodeCommand },
  transformer: { usage: TRANSFORMER_USAGE, run: transformerCommand },
  delivery: { usage: DELIVERY_USAGE, run: deliveryCommand },
  deliver: { usage: DELIVER_USAGE, run: deliverCommand },
};

const USAGE = `skysift: storage-side pushdown of func_adl queries over columnar physics data

usage: skysift COMMAND [options]

commands:
  demo         ingest sample events and run the ADL benchmark tasks on two storage nodes
  ingest       append Parquet or Arrow files to a dataset
  compact      rewrite a dataset's row objects as Arrow objects
  query        run a func_adl query and print the reduced result
  explain      show a query as qastle, its typed tree and its pushdown plan
  datasets     list datasets or describe one
  node         run a storage node (object-class gRPC service)
  transformer  run a transformer (query gRPC service)
  delivery     run the delivery service (ServiceX-style HTTP API writing result files)
  deliver      submit a query to a delivery service and wait for its result files

'skysift COMMAND --help' describes a command's options.`;

/** Runs the command line and returns the process exit status. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    console.error(
      `skysift: unknown command '${name}'; expected one of ${Object.keys(COMMANDS).join(', ')}`,
    );
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    console.log(command.usage);
    return 0;
  }
  // Daemons log their starts and stops; the other commands print results and log only warnings.
  const daemon = name === 'node' || name === 'transformer' || name === 'delivery';
  if (!daemon) process.env.SKYSIFT_LOG_LEVEL ??= 'warn';
  try {
    await command.run(args);
    return 0;
  } catch (error) {
    return reportError(error, name);
  }
}

function reportError(error: unknown, command: string): number {
  if (error instanceof QuerySyntaxError) {
    console.error(`skysift ${command}: ${error.format()}`);
    return 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  const usage =
    error instanceof CliError ||
    (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ||
    (error as { code?: string }).code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' ||
    (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL';
  console.error(
    `skysift ${command}: ${message}${usage ? ` (see 'skysift ${command} --help')` : ''}`,
  );
  if (process.env.SKYSIFT_DEBUG && error instanceof Error) console.error(error.stack);
  return usage ? 2 : 1;
}
