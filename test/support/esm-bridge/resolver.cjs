/**
 * Jest resolver with one job. Below Node 24.9, Jest's own `require()` cannot
 * load an ES module (Node itself can, from 20.19), and Nest 12's packages are ES modules
 * while @nestjs/throttler and @nest-lab/throttler-storage-redis are CommonJS
 * that `require('@nestjs/common')`. For a `require` (not an `import`) of one of
 * the modules below, it answers a tiny CommonJS shim that hands back the ES
 * module namespace which setup.mjs imported once. Everything else, and every
 * `import`, resolves as usual. Jest ≥ 30 loads ES modules through `require` on
 * Node ≥ 24.9 by itself; there the bridge is not used (see BRIDGED below).
 */
const { join } = require('node:path');

const [major, minor] = process.versions.node.split('.').map(Number);
/** Node versions where Jest's require() cannot load an ES module. */
const BRIDGED = major < 24 || (major === 24 && minor < 9);

const SHIMS = {
  '@nestjs/common': join(__dirname, 'nestjs-common.cjs'),
  '@nestjs/core': join(__dirname, 'nestjs-core.cjs'),
};

module.exports = (request, options) => {
  const shim = SHIMS[request];
  if (BRIDGED && shim && options.conditions?.includes('require')) return shim;
  return options.defaultResolver(request, options);
};
