/**
 * Validates a parsed file against its JSON Schema (schemas/*.schema.json) and turns
 * ajv's errors into readable Diagnostics at the offending node. The one file that
 * talks to ajv: it is loaded lazily and the schemas are compiled once per process.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Ajv as AjvInstance, ErrorObject, Options, ValidateFunction } from 'ajv';
import type { Diagnostic } from '../core/diagnostic.js';
import { joinPointer, splitPointer, type SourceMap } from '../core/source.js';
import { didYouMean, suggest } from '../core/suggest.js';
import type { DiagnosticCode } from '../core/diagnostic-codes.js';
import { makeDiagnostic } from './rules/make-diagnostic.js';
import { requirePrecompiledValidators } from './precompiled-validators.js';

/** The kinds of file with a schema. */
export type SchemaKind = 'pack' | 'workflow' | 'template' | 'action';

type Validators = Record<SchemaKind, ValidateFunction>;
type SchemaSet = typeof import('../../schemas/schema-set.cjs');
let compiled: Promise<Validators> | undefined;

/** The folder holding the JSON Schemas (shipped next to src/ and dist/). */
export function schemaDirectory(): URL {
  return new URL('../../schemas/', import.meta.url);
}

// require, not import(): importing CommonJS from ESM first scans the file for export
// names, and the validate bundle runs as a script, where Node 20 has no import().
function requireSchemaFile(name: string): unknown {
  return createRequire(import.meta.url)(fileURLToPath(new URL(name, schemaDirectory())));
}

// schemas/validators.cjs holds the schemas compiled ahead of time (ajv standalone code)
// and the schema texts it was made from; it is used only when those are the schemas as
// they are now. Read synchronously, once per process: 23 KB, and an async read would
// cost `validate` more in promise and file-handle machinery than the read itself.
function loadPrecompiled(): Validators | null {
  try {
    const exported = requirePrecompiledValidators();
    const texts = exported['schemaTexts'] as Record<string, string> | undefined;
    if (texts === undefined) return null;
    for (const [kind, text] of Object.entries(texts)) {
      if (readFileSync(new URL(`${kind}.schema.json`, schemaDirectory()), 'utf8') !== text) return null;
    }
    const get = (kind: SchemaKind) => exported[kind] as ValidateFunction;
    return { workflow: get('workflow'), template: get('template'), action: get('action'), pack: get('pack') };
  } catch {
    return null;
  }
}

async function compile(): Promise<Validators> {
  const precompiled = loadPrecompiled();
  if (precompiled) return precompiled;
  const schemaSet = requireSchemaFile('schema-set.cjs') as SchemaSet;
  // ajv is CommonJS: the class is the module itself or its `default`, depending on the loader.
  type AjvClass = new (options: Options) => AjvInstance;
  const module = (await import('ajv')) as unknown as { default: AjvClass & { default?: AjvClass } };
  const Ajv = module.default.default ?? module.default;
  const ajv = new Ajv({ ...schemaSet.AJV_OPTIONS });
  for (const text of await schemaSet.readSchemaTexts()) ajv.addSchema(JSON.parse(text) as object);
  const get = (kind: SchemaKind): ValidateFunction => {
    const fn = ajv.getSchema(`${schemaSet.SCHEMA_BASE_ID}${kind}.schema.json`);
    if (!fn) throw new Error(`schema ${kind}.schema.json did not compile`);
    return fn;
  };
  return { workflow: get('workflow'), template: get('template'), action: get('action'), pack: get('pack') };
}

/** Loads the compiled schemas (once per process); later calls share the result. */
export function loadSchemas(): Promise<Validators> {
  compiled ??= compile();
  return compiled;
}

const PATTERN_TEXT: Record<string, string> = {
  '^[a-z][a-z0-9_]*$': 'lower case letters, digits and _, starting with a letter',
  '^[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*$': "a ref '<pack>.<name>' (lower case letters, digits and _)",
  '^[A-Za-z_][A-Za-z0-9_]*$': 'letters, digits and _, not starting with a digit',
  '^[A-Za-z_][A-Za-z0-9_-]*$': 'letters, digits, _ and -, not starting with a digit',
};

function patternText(pattern: string): string {
  if (pattern.startsWith('^(0|[1-9]')) return 'a semantic version like 1.0.0';
  return PATTERN_TEXT[pattern] ?? `the pattern ${pattern}`;
}

function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  if (typeof value === 'string') return 'a string';
  return `a ${typeof value}`;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  null: 'null',
};

/** Says where a pointer is, in words: `workflow`, `task 'build'`, `retry of task 'build'`. */
export function describePointer(pointer: string, kind: SchemaKind): string {
  const s = splitPointer(pointer);
  const root = kind === 'pack' ? 'pack.yaml' : kind;
  const offset = s[0] === 'workflow' && kind === 'template' ? 1 : 0;
  const at = (i: number) => s[i + offset];
  if (s.length === 0) return root;
  if (offset === 1 && s.length === 1) return "the template's workflow";
  if (at(0) === 'tasks' && at(1) !== undefined) {
    // Task ids start with a letter or _, so a number is a list-form index.
    const task = /^\d+$/.test(at(1) ?? '') ? `task ${Number(at(1)) + 1}` : `task '${at(1)}'`;
    if (s.length === offset + 2) return task;
    if (at(2) === 'retry') return `retry policy of ${task}`;
    if (at(2) === 'metadata') return `metadata of ${task}`;
    return `'${at(2)}' of ${task}`;
  }
  if ((at(0) === 'input' || at(0) === 'parameters') && at(1) !== undefined) {
    return `${at(0) === 'input' ? 'input' : 'parameter'} '${at(1)}'`;
  }
  if (at(0) === 'error_handlers' && at(1) !== undefined) return `error handler ${Number(at(1)) + 1}`;
  return `'${s[s.length - 1] ?? ''}' in ${root}`;
}

function keyName(pointer: string): string {
  const s = splitPointer(pointer);
  return s[s.length - 1] ?? '';
}

interface Mapped {
  code: DiagnosticCode;
  pointer: string;
  part: 'key' | 'value';
  message: string;
  hint?: string;
}

function mapError(error: ErrorObject, kind: SchemaKind): Mapped | null {
  const where = error.instancePath;
  const name = keyName(where);
  const inRetry = splitPointer(where).includes('retry');
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String((error.params as { additionalProperty: string }).additionalProperty);
      const allowed = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const near = didYouMean(key, allowed);
      return {
        code: 'SCHEMA_UNKNOWN_KEY',
        pointer: joinPointer(where, key),
        part: 'key',
        message: `unknown key '${key}' in ${describePointer(where, kind)}`,
        hint: near ?? (allowed.length > 0 ? `allowed keys: ${allowed.join(', ')}` : undefined),
      } as Mapped;
    }
    case 'required': {
      const key = String((error.params as { missingProperty: string }).missingProperty);
      return { code: 'SCHEMA_REQUIRED', pointer: where, part: 'value', message: `missing required key '${key}' in ${describePointer(where, kind)}` };
    }
    case 'type': {
      const types = String((error.params as { type: string }).type).split(',');
      const want = types.map((t) => TYPE_WORDS[t] ?? t).join(' or ');
      const what = where === '' ? `the ${kind === 'pack' ? 'pack.yaml file' : kind + ' file'}` : describePointer(where, kind);
      const got = typeof error.data === 'object' || error.data === undefined ? typeName(error.data) : `${typeName(error.data)} ${show(error.data)}`;
      const quote = types.includes('string') && (typeof error.data === 'number' || typeof error.data === 'boolean');
      return {
        code: 'SCHEMA_TYPE',
        pointer: where,
        part: 'value',
        message: `${what} must be ${want}, got ${got}`,
        ...(quote ? { hint: 'put the value in quotes so YAML reads it as a string, e.g. "1.0.0"' } : {}),
      };
    }
    case 'enum': {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map(String);
      const near = typeof error.data === 'string' ? didYouMean(error.data, allowed) : undefined;
      return {
        code: 'SCHEMA_ENUM',
        pointer: where,
        part: 'value',
        message: `'${name}' is ${show(error.data)}; it must be one of: ${allowed.join(', ')}`,
        hint: near,
      } as Mapped;
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const p = error.params as { comparison: string; limit: number };
      const why = name === 'max_attempts' ? ' (it counts the first run)' : '';
      return {
        code: inRetry ? 'RETRY_INVALID' : 'SCHEMA_RANGE',
        pointer: where,
        part: 'value',
        message: `'${name}' must be ${p.comparison} ${p.limit}${why}, got ${show(error.data)}${inRetry ? ' in the retry policy' : ''}`,
      };
    }
    case 'minLength':
    case 'minItems':
      return { code: 'SCHEMA_RANGE', pointer: where, part: 'value', message: `'${name}' must not be empty` };
    case 'pattern': {
      const p = error.params as { pattern: string };
      const propertyName = error.propertyName;
      if (propertyName !== undefined) {
        return { code: 'SCHEMA_PATTERN', pointer: joinPointer(where, propertyName), part: 'key', message: `name '${propertyName}' in ${describePointer(where, kind)} must be ${patternText(p.pattern)}` };
      }
      return { code: 'SCHEMA_PATTERN', pointer: where, part: 'value', message: `'${name}' is ${show(error.data)}; it must be ${patternText(p.pattern)}` };
    }
    case 'propertyNames':
    case 'if':
    case 'anyOf':
    case 'oneOf':
      // The specific errors underneath say more; these only repeat them.
      return null;
    default:
      return { code: 'SCHEMA_INVALID', pointer: where, part: 'value', message: `'${name || kind}' is invalid: ${error.message ?? 'does not match the schema'}` };
  }
}

/** Validates `value` against the schema of `kind`; every problem becomes a Diagnostic. */
export async function validateSchema(value: unknown, kind: SchemaKind, source: SourceMap, file: string): Promise<Diagnostic[]> {
  const validators = await loadSchemas();
  const validate = validators[kind];
  if (validate(value)) return [];
  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  const errors = validate.errors ?? [];
  // A misspelt key also makes the right one "missing": report the typo only.
  const typoFixes = new Set<string>();
  for (const error of errors) {
    if (error.keyword !== 'additionalProperties') continue;
    const key = String((error.params as { additionalProperty: string }).additionalProperty);
    const allowed = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
    const near = suggest(key, allowed);
    if (near !== undefined) typoFixes.add(`${error.instancePath} ${near}`);
  }
  for (const error of errors) {
    if (error.keyword === 'required' && typoFixes.has(`${error.instancePath} ${String((error.params as { missingProperty: string }).missingProperty)}`)) continue;
    const mapped = mapError(error, kind);
    if (!mapped) continue;
    const key = `${mapped.code} ${mapped.pointer} ${mapped.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const { code, pointer, message, hint } = mapped;
    diagnostics.push(makeDiagnostic(file, { code, pointer, message, ...(hint ? { hint } : {}) }, source.locate(pointer, mapped.part)));
  }
  return diagnostics;
}

/** A user's JSON Schema compiled: `check` lists every way a value fails it (empty when it passes). */
export type JsonSchemaCheck = { ok: true; check: (value: unknown) => string[] } | { ok: false; message: string };

let userAjv: Promise<AjvInstance> | undefined;
const userSchemas = new Map<string, JsonSchemaCheck>();
// Schemas come from workflow files, a bounded set; the cap only stops a leak from generated ones.
const MAX_CACHED_SCHEMAS = 500;

/**
 * Compiles a JSON Schema a workflow supplies (core.llm's `response_schema`), once per
 * distinct schema. Not strict: users' schemas may carry keywords ajv does not know.
 */
export async function compileJsonSchema(schema: unknown): Promise<JsonSchemaCheck> {
  const key = JSON.stringify(schema) ?? 'undefined';
  const cached = userSchemas.get(key);
  if (cached) return cached;
  userAjv ??= (async () => {
    type AjvClass = new (options: Options) => AjvInstance;
    const module = (await import('ajv')) as unknown as { default: AjvClass & { default?: AjvClass } };
    const Ajv = module.default.default ?? module.default;
    return new Ajv({ allErrors: true, strict: false, validateSchema: true });
  })();
  const ajv = await userAjv;
  let result: JsonSchemaCheck;
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    result = { ok: false, message: 'a JSON Schema must be a mapping, such as { type: object, properties: {...} }' };
  } else {
    try {
      const validate = ajv.compile(schema);
      result = {
        ok: true,
        check: (value) =>
          validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath === '' ? 'the value' : e.instancePath} ${e.message ?? 'is invalid'}`),
      };
    } catch (error) {
      result = { ok: false, message: `not a valid JSON Schema: ${error instanceof Error ? error.message : String(error)}` };
    }
  }
  if (userSchemas.size >= MAX_CACHED_SCHEMAS) {
    // ajv keeps every schema it compiled too: start both afresh.
    userSchemas.clear();
    userAjv = undefined;
  }
  userSchemas.set(key, result);
  return result;
}
