import { HarmoniaError } from '../core/errors.js';
import type { DefinitionRecord, TaskDef, WorkflowDef } from '../core/model.js';
import { contentHash } from '../packs/content-hash.js';
import type { Store } from '../store/store.js';
import { checkParameters } from './check-parameters.js';
import { resolveTemplate } from './resolve-template.js';
import { substituteParams } from './substitute-params.js';
import { validateInstance } from './validate-instance.js';

export interface InstantiateTemplateOptions {
  store: Store;
  /** `<pack>.<template>`. */
  templateRef: string;
  parameterValues: Record<string, unknown>;
  /** Name part of the new workflow's ref. @default `<template>_<first 8 hex of the content hash>` */
  name?: string;
  /** Pack the new workflow belongs to. @default the template's pack */
  packRef?: string;
}

const REF_PART = /^[a-z][a-z0-9_]*$/;
// Fields of a task that must remain `${...}` expressions after substitution.
const EXPRESSION_FIELDS = new Set(['condition', 'with_items']);

function paramInvalid(templateRef: string, parameter: string, message: string): HarmoniaError {
  return new HarmoniaError('TEMPLATE_PARAM_INVALID', message, { details: { parameter, template: templateRef } });
}

function substituteTask(task: TaskDef, values: Record<string, unknown>, templateRef: string): TaskDef {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(task)) {
    out[key] = substituteParams(item, values, templateRef, EXPRESSION_FIELDS.has(key) ? 'expression' : 'value');
  }
  return out as unknown as TaskDef;
}

/**
 * Instantiates a template: applies its `extends` chain, checks the parameter values
 * (defaults applied), resolves `${param.*}` and registers the result as a new version
 * of workflow `<pack>.<name>` (origin `api`). Instantiating again with the same result
 * returns the existing version.
 * Thrown when the template is unknown (TEMPLATE_NOT_FOUND), a value is missing, of the
 * wrong type or not in its enum (TEMPLATE_PARAM_INVALID, details.parameter), the name is
 * not a valid ref part (REQUEST_INVALID), the values give an invalid workflow
 * (WORKFLOW_INVALID, details.diagnostics), the pack is unknown (PACK_NOT_FOUND), or the
 * ref belongs to a workflow from pack files (STORE_CONFLICT).
 * @example
 * const wf = await instantiateTemplate({ store, templateRef: 'ci_cd.service_pipeline',
 *   parameterValues: { service: 'api' }, name: 'api_pipeline' });
 */
export async function instantiateTemplate(options: InstantiateTemplateOptions): Promise<DefinitionRecord> {
  const { store, templateRef } = options;
  if (options.name !== undefined && !REF_PART.test(options.name)) {
    throw new HarmoniaError('REQUEST_INVALID', `workflow name '${options.name}' is not valid; use lower case letters, digits and '_', starting with a letter`, {
      details: { field: 'name' },
    });
  }
  const { record, template } = await resolveTemplate(store.registry, templateRef);
  const checked = checkParameters(template.parameters ?? {}, options.parameterValues);
  if (!checked.ok) {
    throw paramInvalid(templateRef, checked.problem.parameter, `template '${templateRef}': ${checked.problem.message}`);
  }
  const values = checked.values;
  const wf = template.workflow;
  const { tasks: _tasks, ...rest } = wf;
  const substituted = substituteParams(rest, values, templateRef) as Partial<WorkflowDef>;
  const body: WorkflowDef = {
    version: substituted.version ?? template.version,
    ...(substituted.name === undefined ? {} : { name: substituted.name }),
    ...((substituted.description ?? template.description) === undefined
      ? {}
      : { description: substituted.description ?? template.description }),
    input: substituted.input ?? {},
    context: substituted.context ?? {},
    tasks: wf.tasks.map((task) => substituteTask(task, values, templateRef)),
    output: substituted.output ?? {},
    error_handlers: substituted.error_handlers ?? [],
  };
  const errors = (await validateInstance(store, templateRef, body)).filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    throw new HarmoniaError('WORKFLOW_INVALID', `template '${templateRef}' with these values gives an invalid workflow: ${errors[0]?.message}`, {
      details: { template: templateRef, diagnostics: errors },
    });
  }
  return store.transaction(async (tx) => {
    const content_hash = contentHash(body);
    const packRef = options.packRef ?? record.pack_ref;
    if ((await tx.registry.getPack(packRef)) === null) {
      throw new HarmoniaError('PACK_NOT_FOUND', `pack '${packRef}' is not registered`, { details: { pack: packRef } });
    }
    const templateName = templateRef.slice(templateRef.indexOf('.') + 1);
    const ref = `${packRef}.${options.name ?? `${templateName}_${content_hash.slice(0, 8)}`}`;
    const current = await tx.registry.getActive('workflow', ref);
    if (current !== null && current.origin.source !== 'api') {
      throw new HarmoniaError('STORE_CONFLICT', `workflow '${ref}' comes from pack files; choose another name for the instance`, {
        details: { workflow: ref },
      });
    }
    if (current !== null && current.content_hash === content_hash) return current;
    return tx.registry.addVersion({
      kind: 'workflow',
      ref,
      pack_ref: packRef,
      content_hash,
      body,
      source: `${JSON.stringify(body, null, 2)}\n`,
      file: record.file,
      origin: { source: 'api', message: `instantiated from template '${templateRef}' version ${record.version}` },
    });
  });
}
