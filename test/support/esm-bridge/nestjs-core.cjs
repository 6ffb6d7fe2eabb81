// The one @nestjs/core instance the ES modules use (setup.mjs), for CommonJS packages under Jest.
module.exports = require('./namespace.cjs')('@nestjs/core');
