// Stand-in for `@azure/functions-core`, the module the Azure Functions Node.js worker (azure-functions-nodejs-worker)
// injects into the app's process at run time; it is not on npm. `@azure/functions` 4.x requires it lazily and calls
// four functions on it: setProgrammingModel, registerFunction, registerHook and log. This stand-in records what the
// app registers, so a test can read the function metadata exactly as the worker would send it to the host
// (name and bindings, built by the real SDK's toCoreFunctionMetadata). Without any core module the SDK switches to
// "test mode" and registers nothing, which is why a stand-in is needed. It is found through NODE_PATH (see
// scripts/functions-sdk/load-node-app.js).
'use strict';

const registered = [];
let programmingModel = null;

module.exports = {
    version: '0.0.0-sigc-stand-in',
    registered,
    get programmingModel() {
        return programmingModel;
    },
    setProgrammingModel(model) {
        programmingModel = { name: model.name, version: model.version };
    },
    registerFunction(metadata, callback) {
        if (typeof callback !== 'function') {
            throw new Error(`function ${metadata.name} has no handler`);
        }
        registered.push(metadata);
        return { dispose() {} };
    },
    registerHook() {
        return { dispose() {} };
    },
    log() {},
};
