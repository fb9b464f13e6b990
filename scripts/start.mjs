// `npm start`: the sandbox (scripts/sandbox/sandbox.ts, TypeScript through tsx).
// `npm start -- --check` starts everything, verifies the extension shows both servers, stops.
import { register } from 'tsx/cjs/api';
import { createRequire } from 'node:module';

register();
const require = createRequire(import.meta.url);
const { main } = require('./sandbox/sandbox.ts');
process.exitCode = await main(process.argv.slice(2));
// Sockets left by drivers must not keep a finished sandbox alive.
setTimeout(() => process.exit(process.exitCode), 1000).unref();
