/**
 * Parses, schema-validates and normalises every file of the loaded packs, builds the
 * index all packs of the run share, then runs the semantic rules file by file.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { TemplateDef } from '../core/model.js';
import type { LocatePart, SourceSpan } from '../core/source.js';
import type { LoadedFile, LoadedPack } from './load-packs.js';
import { normaliseAction, normalisePack, normaliseTemplate } from './normalise-definitions.js';
import { normaliseWorkflowBody, type NormalisedWorkflow, type TaskSite } from './normalise-workflow.js';
import type { KnownRefs } from './pack-model.js';
import { parseYamlFile, type ParsedYaml } from './parse-yaml-file.js';
import { makeDiagnostic, type DiagnosticInput } from './rules/make-diagnostic.js';
import type { PackEntry, PackIndex, ParsedPackFile, Rule, RuleContext, TaskView, WorkflowView } from './rules/rule-context.js';
import { LATE_RULES, RULES } from './rules/rule-sets.js';
import { applyIgnores } from './validate-ignores.js';
import { validateSchema, type SchemaKind } from './validate-schema.js';
import { SETTINGS } from '../core/settings.js';

/** Known refs with every field present. */
export function resolveKnown(known: Partial<KnownRefs> = {}): KnownRefs {
  return {
    packs: known.packs ?? new Set(),
    actions: known.actions ?? new Set(),
    workflows: known.workflows ?? new Set(),
    templates: known.templates ?? new Set(),
    components: known.components ?? new Map(),
    ...(known.workflow_calls ? { workflow_calls: known.workflow_calls } : {}),
  };
}

function report(file: ParsedPackFile, input: DiagnosticInput, part: LocatePart = 'value'): void {
  const span: SourceSpan | undefined = file.source?.locate(input.pointer ?? '', part);
  file.diagnostics.push(makeDiagnostic(file.loaded.path, input, span ?? { line: 1, column: 1, end_line: 1, end_column: 1 }));
}

async function entryPointExists(pack: LoadedPack, entry: string): Promise<boolean> {
  const actionsDir = path.join(pack.dir, 'actions');
  const target = path.resolve(actionsDir, entry);
  const rel = path.relative(actionsDir, target);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return false;
  try {
    return (await stat(target)).isFile();
  } catch {
    return false;
  }
}

/** The default of max_task_count: the engine's own default limit (HARMONIA_MAX_TASK_COUNT). */
export const DEFAULT_MAX_TASK_COUNT = SETTINGS.max_task_count.default;

/** Limits the pipeline applies to every file, whichever gate it came through. */
export interface ValidationLimits {
  /** Most tasks a workflow or template may have. @default 1000 */
  max_task_count?: number;
  /** Largest workflow or template file, bytes (HARMONIA_MAX_WORKFLOW_SIZE, what the API accepts). @default 1048576 */
  max_workflow_size?: number;
}

interface Prepared {
  workflows: Map<ParsedPackFile, NormalisedWorkflow>;
  maxTaskCount: number;
  maxWorkflowSize: number;
}

// The limit the API applies to a POSTed workflow body, so a pack file (whose own limit is
// max_file_size) cannot register a workflow the API would refuse.
function checkWorkflowSize(file: ParsedPackFile, max: number): void {
  const bytes = Buffer.byteLength(file.loaded.text ?? '');
  if (bytes <= max) return;
  report(file, {
    code: 'WORKFLOW_TOO_LARGE',
    pointer: '',
    message: `the file is ${bytes} bytes; a workflow or template may have at most ${max} (HARMONIA_MAX_WORKFLOW_SIZE)`,
    hint: 'split it into workflows that call each other with core.workflow, or raise max_workflow_size',
  });
}

// The same limit the server applies to a workflow POSTed to it, so a pack file cannot
// register what the API would refuse.
function checkTaskCount(file: ParsedPackFile, workflow: NormalisedWorkflow, base: string, max: number): void {
  if (workflow.tasks.length <= max) return;
  report(file, {
    code: 'WORKFLOW_TOO_MANY_TASKS',
    pointer: `${base}/tasks`,
    message: `the workflow has ${workflow.tasks.length} tasks; at most ${max} are allowed (HARMONIA_MAX_TASK_COUNT)`,
    hint: 'split it into workflows that call each other with core.workflow, or raise max_task_count',
  }, 'key');
}

// A template is instantiated with its ancestors' tasks too: the limit holds for them all,
// told once, at `extends`, when the file's own tasks are within it.
function checkInheritedTaskCount(file: ParsedPackFile, prepared: Prepared): void {
  const parent = file.loaded.kind === 'template' ? (file.body as TemplateDef | null)?.extends : undefined;
  const own = prepared.workflows.get(file)?.tasks.length ?? 0;
  const all = file.view?.tasks.length ?? 0;
  if (parent === undefined || own > prepared.maxTaskCount || all <= prepared.maxTaskCount) return;
  report(file, {
    code: 'WORKFLOW_TOO_MANY_TASKS',
    pointer: '/extends',
    message: `the template has ${all} tasks with those it inherits from ${parent}; at most ${prepared.maxTaskCount} are allowed (HARMONIA_MAX_TASK_COUNT)`,
    hint: 'split it into workflows that call each other with core.workflow, or raise max_task_count',
  });
}

function newFile(pack: LoadedPack, entry: PackEntry, loaded: LoadedFile): ParsedPackFile {
  const ref = loaded.kind === 'workflow' || loaded.kind === 'template' || loaded.kind === 'action' ? `${pack.ref}.${loaded.name}` : null;
  return { loaded, pack: entry, ref, raw: undefined, source: null, body: null, view: null, diagnostics: [...loaded.diagnostics] };
}

// Parses, schema-checks and normalises one file; the caller releases the parse.
async function prepareFile(pack: LoadedPack, entry: PackEntry, file: ParsedPackFile, prepared: Prepared): Promise<ParsedYaml | null> {
  const { loaded } = file;
  if (loaded.text === null || loaded.kind === 'script') return null;
  const parsed = parseYamlFile(loaded.text, loaded.path);
  await checkParsed(pack, entry, file, parsed, prepared);
  return parsed;
}

async function checkParsed(pack: LoadedPack, entry: PackEntry, file: ParsedPackFile, parsed: ParsedYaml, prepared: Prepared): Promise<void> {
  const { loaded } = file;
  file.source = parsed.source;
  file.diagnostics.push(...parsed.diagnostics);
  if (!parsed.ok) return;
  file.raw = parsed.value;
  file.diagnostics.push(...(await validateSchema(parsed.value, loaded.kind as SchemaKind, parsed.source, loaded.path)));
  switch (loaded.kind) {
    case 'pack':
      file.body = normalisePack(parsed.value, pack.ref);
      entry.manifest = file.body;
      break;
    case 'workflow': {
      const workflow = normaliseWorkflowBody(parsed.value, '');
      file.body = workflow.body;
      prepared.workflows.set(file, workflow);
      workflow.problems.forEach((p) => report(file, p));
      checkTaskCount(file, workflow, '', prepared.maxTaskCount);
      checkWorkflowSize(file, prepared.maxWorkflowSize);
      break;
    }
    case 'template': {
      const template = normaliseTemplate(parsed.value);
      file.body = template.body;
      prepared.workflows.set(file, template.workflow);
      template.workflow.problems.forEach((p) => report(file, p));
      checkTaskCount(file, template.workflow, '/workflow', prepared.maxTaskCount);
      checkWorkflowSize(file, prepared.maxWorkflowSize);
      if (template.body.extends === undefined && typeof parsed.value === 'object' && parsed.value !== null && !('workflow' in parsed.value)) {
        report(file, { code: 'SCHEMA_REQUIRED', pointer: '', message: "missing required key 'workflow' in template (only a template that extends another may leave it out)" });
      }
      break;
    }
    case 'action': {
      const action = normaliseAction(parsed.value);
      file.body = action;
      if (action.entry_point !== undefined) file.entryPointExists = await entryPointExists(pack, action.entry_point);
      break;
    }
    default:
      break;
  }
}

function toView(file: ParsedPackFile, sites: readonly TaskSite[], own: boolean): TaskView[] {
  return sites.map((s) => ({ def: s.def, pointer: s.pointer, conditionPointer: s.conditionPointer, own, file }));
}

function buildView(file: ParsedPackFile, index: PackIndex, prepared: Prepared): WorkflowView | null {
  const own = prepared.workflows.get(file);
  if (!own) return null;
  const tasks = new Map<string, TaskView>();
  const inputs = { ...own.body.input };
  const contextKeys = new Set(Object.keys(own.body.context));
  let params: Map<string, TemplateDef['parameters'][string]> | null = null;
  if (file.loaded.kind === 'template') {
    params = new Map();
    // Walk up the extends chain, then apply from the root ancestor down so children override.
    const chain: ParsedPackFile[] = [];
    const seen = new Set<ParsedPackFile>();
    let current: ParsedPackFile | undefined = file;
    while (current && !seen.has(current)) {
      seen.add(current);
      chain.unshift(current);
      const parent: string | undefined = (current.body as TemplateDef | null)?.extends;
      current = parent === undefined ? undefined : index.templates.get(parent);
    }
    for (const link of chain) {
      const body = link.body as TemplateDef | null;
      const workflow = prepared.workflows.get(link);
      if (!body || !workflow) continue;
      for (const [name, spec] of Object.entries(body.parameters)) params.set(name, spec);
      for (const task of toView(link, workflow.tasks, link === file)) tasks.set(task.def.id, task);
      if (link !== file) {
        Object.assign(inputs, { ...workflow.body.input, ...own.body.input });
        Object.keys(workflow.body.context).forEach((k) => contextKeys.add(k));
      }
    }
  } else {
    for (const task of toView(file, own.tasks, true)) tasks.set(task.def.id, task);
  }
  const list = [...tasks.values()];
  return {
    base: file.loaded.kind === 'template' ? '/workflow' : '',
    tasks: list,
    byId: tasks,
    duplicates: own.duplicates.map((d) => ({ first: toView(file, [d.first], true)[0] as TaskView, second: toView(file, [d.second], true)[0] as TaskView })),
    inputs,
    contextKeys,
    output: own.body.output,
    errorHandlers: own.errorHandlers,
    params,
  };
}

function registerRef(map: Map<string, ParsedPackFile>, file: ParsedPackFile): void {
  if (!file.ref) return;
  const first = map.get(file.ref);
  if (!first) {
    map.set(file.ref, file);
    return;
  }
  report(file, {
    code: 'PACK_DUPLICATE_REF',
    message: `'${file.loaded.file}' defines ref '${file.ref}' again; '${first.loaded.file}' already does`,
    hint: 'keep one of the two files',
  });
}

function contextFor(file: ParsedPackFile, index: PackIndex): RuleContext {
  return {
    file,
    index,
    report: (input, part) => report(file, input, part),
    reportAt: (input, span) => file.diagnostics.push(makeDiagnostic(file.loaded.path, input, span)),
    related: (other, pointer, message, part = 'value') => {
      const span = other.source?.locate(pointer, part) ?? { line: 0, column: 0 };
      return { file: other.loaded.path, line: span.line, column: span.column, message };
    },
  };
}

function runRules(file: ParsedPackFile, index: PackIndex): void {
  if (file.raw === undefined) return;
  const ctx = contextFor(file, index);
  const rules: readonly Rule[] = RULES[file.loaded.kind] ?? [];
  for (const rule of rules) rule(ctx);
}

interface Slot {
  pack: LoadedPack;
  entry: PackEntry;
  file: ParsedPackFile;
}

/** Validates loaded packs together (each sees the others and `known`). */
export async function validateLoadedPacks(
  loaded: readonly LoadedPack[],
  known: Partial<KnownRefs> = {},
  limits: ValidationLimits = {},
): Promise<PackEntry[]> {
  const prepared: Prepared = {
    workflows: new Map(),
    maxTaskCount: limits.max_task_count ?? DEFAULT_MAX_TASK_COUNT,
    maxWorkflowSize: limits.max_workflow_size ?? SETTINGS.max_workflow_size.default,
  };
  const entries: PackEntry[] = [];
  const slots: Slot[] = [];
  for (const pack of loaded) {
    const entry: PackEntry = { ref: pack.ref, dir: pack.dir, manifest: null, files: [] };
    for (const loadedFile of pack.files) {
      const file = newFile(pack, entry, loadedFile);
      entry.files.push(file);
      slots.push({ pack, entry, file });
    }
    entries.push(entry);
  }
  // Refs come from file names, so the index exists before any file is parsed.
  const packs = new Map<string, PackEntry>();
  const actions = new Map<string, ParsedPackFile>();
  const workflows = new Map<string, ParsedPackFile>();
  const templates = new Map<string, ParsedPackFile>();
  for (const entry of entries) {
    if (!packs.has(entry.ref)) packs.set(entry.ref, entry);
    for (const file of entry.files) {
      if (file.loaded.kind === 'action') registerRef(actions, file);
      if (file.loaded.kind === 'workflow') registerRef(workflows, file);
      if (file.loaded.kind === 'template') registerRef(templates, file);
    }
  }
  const index: PackIndex = { packs, actions, workflows, templates, known: resolveKnown(known) };
  // Manifests, actions and templates first: other files' rules read their content.
  const shared = slots.filter((s) => s.file.loaded.kind !== 'workflow');
  const parses: Array<ParsedYaml | null> = [];
  for (const { pack, entry, file } of shared) parses.push(await prepareFile(pack, entry, file, prepared));
  for (const { file } of shared) {
    file.view = buildView(file, index, prepared);
    checkInheritedTaskCount(file, prepared);
  }
  for (const { file } of shared) runRules(file, index);
  parses.forEach((parsed) => parsed?.release());
  // Then the workflows, one at a time: no rule reads another workflow's content, so each
  // is checked while its parse is at hand (rule diagnostics find their positions without
  // parsing again) and only its normalised body is kept.
  for (const { pack, entry, file } of slots) {
    if (file.loaded.kind !== 'workflow') continue;
    const parsed = await prepareFile(pack, entry, file, prepared);
    file.view = buildView(file, index, prepared);
    runRules(file, index);
    parsed?.release();
    prepared.workflows.delete(file);
  }
  for (const { file } of slots) {
    const late = LATE_RULES[file.loaded.kind];
    if (!late || file.raw === undefined || !file.view) continue;
    const ctx = contextFor(file, index);
    for (const rule of late) rule(ctx);
  }
  for (const entry of entries) {
    for (const file of entry.files) file.diagnostics = applyIgnores(file.loaded.text, file.diagnostics, file.loaded.path);
  }
  return entries;
}
