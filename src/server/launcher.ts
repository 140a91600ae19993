// dist/server-start.js: what the VS Code client starts. It runs the language server bundle (dist/server.js) from
// V8's code cache (src/launch/codeCache.ts), as dist/cli.js does for the CLI: compiling the 1 MB bundle was about
// 100 ms of the server's ~160 ms start-up on the 2-core test machine (with the cache: ~60 ms), time the user waits
// for the steps tree's first verdict after activation. The cache is also written 5 s after start (the process may
// run for hours); ASM_SERVER_CODE_CACHE=0 turns it off. Plain LSP clients and the tests may start dist/server.js
// itself: the same server, without the cache.
import path from 'node:path';
import { runFromCodeCache } from '../launch/codeCache';

runFromCodeCache(module, require, __dirname, {
  bundle: path.join(__dirname, 'server.js'),
  prefix: 'server',
  envVar: 'ASM_SERVER_CODE_CACHE',
  writeAfterMs: 5000,
});
