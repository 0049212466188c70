#!/usr/bin/env node
// Entry point of the skysift command: runs the compiled command line from dist/.
import { main } from '../dist/client/cli/main.js';

// exit() rather than exitCode: idle gRPC channels could otherwise keep the process alive.
process.exit(await main(process.argv.slice(2)));
