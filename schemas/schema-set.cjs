// What schemas/generate-validators.mjs (at build time) and src/packs/validate-schema.ts (at
// run time) must agree on: the schema files, their ids and ajv's options. CommonJS so the
// validator can require() it when schemas/validators.cjs is stale: the validate bundle
// (dist/bundle/validate.cjs) runs as a script, where import() is not available on Node 20.
'use strict';
const { readFile } = require('node:fs/promises');
const path = require('node:path');

const SCHEMA_KINDS = ['workflow', 'template', 'action', 'pack'];
const SCHEMA_BASE_ID = 'https://harmonia.dev/schemas/';
const AJV_OPTIONS = { allErrors: true, verbose: true, allowUnionTypes: true, strict: true };

/** The schema texts in SCHEMA_KINDS order. */
function readSchemaTexts() {
  return Promise.all(SCHEMA_KINDS.map((kind) => readFile(path.join(__dirname, `${kind}.schema.json`), 'utf8')));
}


module.exports = { SCHEMA_KINDS, SCHEMA_BASE_ID, AJV_OPTIONS, readSchemaTexts };
