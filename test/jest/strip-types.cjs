// Jest transformer: erase TypeScript types with Node's own stripper (the same one that runs
// the sources at runtime), so tests execute exactly what `node file.ts` executes. Strip mode
// replaces types with whitespace, so line and column numbers stay true without source maps.
const { stripTypeScriptTypes } = require('node:module');
const crypto = require('node:crypto');

module.exports = {
  process(source) {
    return { code: stripTypeScriptTypes(source, { mode: 'strip' }) };
  },
  getCacheKey(source, path) {
    return crypto.createHash('sha256').update('strip-v1\0').update(path).update('\0').update(source).digest('hex');
  },
};
