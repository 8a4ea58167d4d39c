/** Normalises pack.yaml, templates and action metadata into the model's shapes. */
import type { ActionDef, ActionRunner, PackManifest, TemplateDef } from '../core/model.js';
import { parameterSpecs, record, str, strings } from './normalise-values.js';
import { normaliseWorkflowBody, type NormalisedWorkflow } from './normalise-workflow.js';

/** pack.yaml → PackManifest (dependencies default to []). */
export function normalisePack(raw: unknown, dirName: string): PackManifest {
  const r = record(raw);
  const manifest: PackManifest = {
    ref: str(r['ref']) ?? dirName,
    version: str(r['version']) ?? '',
    dependencies: strings(r['dependencies']),
  };
  for (const key of ['label', 'description', 'author', 'email'] as const) {
    const value = str(r[key]);
    if (value !== undefined) manifest[key] = value;
  }
  if (Array.isArray(r['keywords'])) manifest.keywords = strings(r['keywords']);
  return manifest;
}

/** The result of normaliseTemplate(): the body and the workflow's task sites. */
export interface NormalisedTemplate {
  body: TemplateDef;
  workflow: NormalisedWorkflow;
}

/** A template file → TemplateDef; its workflow is normalised at `/workflow`. */
export function normaliseTemplate(raw: unknown): NormalisedTemplate {
  const r = record(raw);
  const workflow = normaliseWorkflowBody(r['workflow'], '/workflow');
  const rawWorkflow = record(r['workflow']);
  const body: TemplateDef = {
    version: String(r['version'] ?? ''),
    parameters: parameterSpecs(r['parameters']),
    workflow: { tasks: workflow.body.tasks },
  };
  const w = workflow.body;
  if ('input' in rawWorkflow) body.workflow.input = w.input;
  if ('context' in rawWorkflow) body.workflow.context = w.context;
  if ('output' in rawWorkflow) body.workflow.output = w.output;
  if ('error_handlers' in rawWorkflow) body.workflow.error_handlers = w.error_handlers;
  if (w.name !== undefined) body.workflow.name = w.name;
  if (w.description !== undefined) body.workflow.description = w.description;
  const description = str(r['description']);
  if (description !== undefined) body.description = description;
  const parent = str(r['extends']);
  if (parent !== undefined) body.extends = parent;
  return { body, workflow };
}

const RUNNERS = new Set(['shell', 'node', 'http']);

/** Action metadata → ActionDef (parameters default to {}). */
export function normaliseAction(raw: unknown): ActionDef {
  const r = record(raw);
  const runner = str(r['runner']);
  const action: ActionDef = {
    runner: (runner !== undefined && RUNNERS.has(runner) ? runner : 'shell') as ActionRunner,
    parameters: parameterSpecs(r['parameters']),
  };
  const description = str(r['description']);
  if (description !== undefined) action.description = description;
  const entry = str(r['entry_point']);
  if (entry !== undefined) action.entry_point = entry;
  if (typeof r['timeout_ms'] === 'number') action.timeout_ms = r['timeout_ms'];
  return action;
}
