// Loads a generated Node.js Functions app (v4 programming model) the way the Functions Node.js worker does:
// every file matched by package.json `main`, with the real `@azure/functions` from the app's node_modules.
// Prints JSON {model, functions}: the programming model the SDK announced and each registered function's
// metadata (name, bindings) as the worker would hand it to the host.
//
// Usage: NODE_PATH=scripts/functions-sdk/core node scripts/functions-sdk/load-node-app.js APP_DIR
// NODE_PATH provides the stand-in `@azure/functions-core` (see core/@azure/functions-core/index.js).
'use strict';

const fs = require('fs');
const path = require('path');

const appDir = path.resolve(process.argv[2] || '.');
const pkg = JSON.parse(fs.readFileSync(path.join(appDir, 'package.json'), 'utf8'));
if (typeof pkg.main !== 'string') {
    throw new Error('package.json has no `main`: the worker would load no function');
}
// The worker accepts a glob in `main`; the generated apps use `<dir>/*.js`.
const match = /^(.*)\/\*\.js$/.exec(pkg.main);
const files = match
    ? fs
          .readdirSync(path.join(appDir, match[1]))
          .filter((f) => f.endsWith('.js'))
          .sort()
          .map((f) => path.join(appDir, match[1], f))
    : [path.join(appDir, pkg.main)];
if (files.length === 0) {
    throw new Error(`package.json main \`${pkg.main}\` matches no file`);
}
const core = require('@azure/functions-core');
for (const file of files) {
    require(file);
}
process.stdout.write(JSON.stringify({ model: core.programmingModel, functions: core.registered }));
