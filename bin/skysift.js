#!/usr/bin/env node
// Entry point of the skysift command: runs the compiled command line from dist/.
// @aws-sdk/client-s3 warns on every start that its future releases will require Node.js 22;
// the version pinned in package-lock.json runs on Node.js 20, where the tests exercise it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { main } = await import('../dist/client/cli/main.js');

// exit() rather than exitCode: idle gRPC channels could otherwise keep the process alive.
process.exit(await main(process.argv.slice(2)));
