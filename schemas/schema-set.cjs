// What schemas/generate-validators.mjs (at build time) and src/packs/validate-schema.ts (at
// run time) must agree on: the schema files, their ids, ajv's options and the hash that
// ties schemas/validators.cjs to the schemas it was generated from. CommonJS so the
// validator can require() it: the validate bundle (dist/bundle/validate.cjs) runs as a
// script, where import() is not available on Node 20.
'use strict';
const { createHash } = require('node:crypto');
const { readFile } = require('node:fs/promises');
const path = require('node:path');

const SCHEMA_KINDS = ['workflow', 'template', 'action', 'pack'];
const SCHEMA_BASE_ID = 'https://harmonia.dev/schemas/';
const AJV_OPTIONS = { allErrors: true, verbose: true, allowUnionTypes: true, strict: true };

/** The schema texts in SCHEMA_KINDS order. */
function readSchemaTexts() {
  return Promise.all(SCHEMA_KINDS.map((kind) => readFile(path.join(__dirname, `${kind}.schema.json`), 'utf8')));
}

/** sha256 over the schema texts: what the generated file was made from. */
function hashSchemas(texts) {
  const hash = createHash('sha256');
  for (const text of texts) hash.update(text).update('\0');
  return hash.digest('hex');
}

module.exports = { SCHEMA_KINDS, SCHEMA_BASE_ID, AJV_OPTIONS, readSchemaTexts, hashSchemas };
