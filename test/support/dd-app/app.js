'use strict';
// The harness's app is the demo service (demo/app/app.js) on a free port unless PORT says otherwise.
if (process.env.PORT === undefined) process.env.PORT = '0';
require('../../../demo/app/app.js');
