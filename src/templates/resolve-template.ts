import { HarmoniaError } from '../core/errors.js';
import type { DefinitionRecord, ErrorHandlerDef, TaskDef, TemplateDef } from '../core/model.js';
import type { RegistryRepo } from '../store/store.js';

/** How deep `extends` may chain before it is treated as a mistake. */
const MAX_EXTENDS_DEPTH = 10;

/** Tasks as a list, whether the body holds the normalised list or a map keyed by id. */
function taskList(tasks: unknown): TaskDef[] {
  if (Array.isArray(tasks)) return tasks as TaskDef[];
  if (typeof tasks === 'object' && tasks !== null) {
    return Object.entries(tasks as Record<string, TaskDef>).map(([id, task]) => ({ ...task, id: task.id ?? id }));
  }
  return [];
}

/**
 * Applies one level of `extends`: the child inherits the parent's parameters and
 * workflow; a child parameter replaces the parent's of the same name; a child task
 * replaces the parent's task of the same id (in place) or is added after them.
 */
export function mergeTemplates(parent: TemplateDef, child: TemplateDef): TemplateDef {
  const parentTasks = taskList(parent.workflow.tasks);
  const childTasks = taskList(child.workflow.tasks);
  const childById = new Map(childTasks.map((task) => [task.id, task]));
  const parentIds = new Set(parentTasks.map((task) => task.id));
  const tasks = [
    ...parentTasks.map((task) => childById.get(task.id) ?? task),
    ...childTasks.filter((task) => !parentIds.has(task.id)),
  ];
  const childHandlers = child.workflow.error_handlers ?? [];
  const overridden = new Set(childHandlers.map((handler) => handler.error_type));
  const error_handlers: ErrorHandlerDef[] = [
    ...(parent.workflow.error_handlers ?? []).filter((handler) => !overridden.has(handler.error_type)),
    ...childHandlers,
  ];
  const { extends: _parentExtends, ...parentRest } = parent;
  return {
    ...parentRest,
    ...child,
    parameters: { ...parent.parameters, ...child.parameters },
    workflow: {
      ...parent.workflow,
      ...child.workflow,
      input: { ...parent.workflow.input, ...child.workflow.input },
      context: { ...parent.workflow.context, ...child.workflow.context },
      output: { ...parent.workflow.output, ...child.workflow.output },
      error_handlers,
      tasks,
    },
  };
}

/** A template with its whole `extends` chain applied, and the record it was read from. */
export interface ResolvedTemplate {
  record: DefinitionRecord<TemplateDef>;
  template: TemplateDef;
  /** Refs from the template up to its root ancestor. */
  chain: string[];
}

/**
 * Reads the active version of a template and applies its `extends` chain.
 * Thrown when the template or an ancestor is not registered: TEMPLATE_NOT_FOUND;
 * when the chain loops or is too deep: WORKFLOW_INVALID.
 */
export async function resolveTemplate(registry: RegistryRepo, ref: string): Promise<ResolvedTemplate> {
  const record = (await registry.getActive('template', ref)) as DefinitionRecord<TemplateDef> | null;
  if (record === null) {
    throw new HarmoniaError('TEMPLATE_NOT_FOUND', `template '${ref}' is not registered`, { details: { template: ref } });
  }
  const chain = [ref];
  const lineage: TemplateDef[] = [record.body];
  for (let parentRef = record.body.extends; parentRef !== undefined; ) {
    if (chain.includes(parentRef)) {
      throw new HarmoniaError('WORKFLOW_INVALID', `template '${ref}' extends itself: ${[...chain, parentRef].join(' → ')}`, {
        details: { template: ref, chain: [...chain, parentRef] },
      });
    }
    if (chain.length > MAX_EXTENDS_DEPTH) {
      throw new HarmoniaError('WORKFLOW_INVALID', `template '${ref}' extends more than ${MAX_EXTENDS_DEPTH} levels deep`, {
        details: { template: ref, chain },
      });
    }
    const parent = (await registry.getActive('template', parentRef)) as DefinitionRecord<TemplateDef> | null;
    if (parent === null) {
      throw new HarmoniaError(
        'TEMPLATE_NOT_FOUND',
        `template '${chain[chain.length - 1] ?? ref}' extends '${parentRef}', which is not registered`,
        { details: { template: parentRef } },
      );
    }
    chain.push(parentRef);
    lineage.push(parent.body);
    parentRef = parent.body.extends;
  }
  // Fold from the root ancestor down, so nearer templates override farther ones.
  let template = lineage[lineage.length - 1] ?? record.body;
  for (let i = lineage.length - 2; i >= 0; i--) {
    const child = lineage[i];
    if (child) template = mergeTemplates(template, child);
  }
  return { record, template: { ...template, workflow: { ...template.workflow, tasks: taskList(template.workflow.tasks) } }, chain };
}
