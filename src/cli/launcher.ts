// dist/cli.js: starts the CLI bundle (dist/cli-bundle.js) from V8's code cache (src/launch/codeCache.ts). Compiling
// the 400 KB bundle was most of the CLI's own start-up (measured on `check` of a one-line file: ~15 ms of CPU of
// ~25 ms above `node -e 0`; with the cache, ~5 ms). ASM_CLI_CODE_CACHE=0 turns it off.
import path from 'node:path';
import { runFromCodeCache } from '../launch/codeCache';

runFromCodeCache(module, require, __dirname, { bundle: path.join(__dirname, 'cli-bundle.js'), prefix: 'cli', envVar: 'ASM_CLI_CODE_CACHE' });
