'use strict';
// The demo service: a tiny Express app instrumented with the real dd-trace from npm. Run it with
//   DD_APPSEC_ENABLED=true DD_TRACE_AGENT_URL=http://127.0.0.1:8126 node demo/app/app.js
// (listens on 127.0.0.1:3000; PORT and HOST override). The tests start it through test/support/dd-app/app.js.
// dd-trace must be initialised BEFORE express is required, or the express/http integrations miss it.
// Configuration comes only from DD_* environment variables (DD_APPSEC_ENABLED, DD_TRACE_AGENT_URL, ...).
require('dd-trace').init();

const express = require('express');

const app = express();
app.get('/', (_req, res) => {
  res.type('text/plain').send('ASM Troubleshooter demo app: try GET /hello\n');
});
app.get('/hello', (req, res) => {
  res.json({ hello: 'world', userAgent: req.get('user-agent') ?? null });
});

// Loopback only: the app exists to be attacked by the test attack, never from the network.
const host = process.env.HOST || '127.0.0.1';
const port = Number(process.env.PORT ?? 3000);
const server = app.listen(port, host, () => {
  // The harness waits for this exact line on stdout.
  console.log(`LISTENING ${server.address().port}`);
});

function shutdown() {
  server.close();
  // Give the exporter a moment to flush the last spans, then leave even if a socket lingers.
  setTimeout(() => process.exit(0), 300).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
