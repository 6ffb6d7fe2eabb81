// The one @nestjs/common instance the ES modules use (setup.mjs), for CommonJS packages under Jest.
module.exports = require('./namespace.cjs')('@nestjs/common');
