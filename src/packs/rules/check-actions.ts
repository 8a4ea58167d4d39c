/**
 * ACTION_UNKNOWN, ACTION_IS_WORKFLOW, ACTION_UNKNOWN_COMPONENT, ACTION_UNKNOWN_WORKFLOW,
 * and PACK_UNDECLARED_DEPENDENCY for actions and child workflows of other packs.
 */
import { joinPointer } from '../../core/source.js';
import { didYouMean } from '../../core/suggest.js';
import type { PackIndex, Rule, RuleContext } from './rule-context.js';

/** The built-in actions every task may use without a dependency. */
export const BUILTIN_ACTIONS: readonly string[] = ['core.noop', 'core.echo', 'core.sleep', 'core.fail', 'core.shell', 'core.http', 'core.llm', 'core.workflow', 'core.signal', 'core.approval'];

/** Whether `ref` is an action of the run or registered elsewhere. */
export function actionExists(index: PackIndex, ref: string): boolean {
  return BUILTIN_ACTIONS.includes(ref) || index.actions.has(ref) || index.known.actions.has(ref);
}

function workflowExists(index: PackIndex, ref: string): boolean {
  return index.workflows.has(ref) || index.known.workflows.has(ref);
}

/** Reports a use of another pack that pack.yaml does not list in dependencies. */
export function checkDependency(ctx: RuleContext, ref: string, pointer: string, what: string): void {
  const pack = ref.split('.')[0] ?? '';
  const own = ctx.file.pack;
  if (pack === '' || pack === 'core' || pack === own.ref || !own.manifest) return;
  if (own.manifest.dependencies.includes(pack)) return;
  ctx.report({
    code: 'PACK_UNDECLARED_DEPENDENCY',
    pointer,
    message: `${what} '${ref}' belongs to pack '${pack}', which is not in the dependencies of pack '${own.ref}'`,
    hint: `add '${pack}' to dependencies in ${own.ref}/pack.yaml`,
  });
}

/** Every task names an action that exists (or a registered component capability). */
export const checkActions: Rule = (ctx) => {
  const view = ctx.file.view;
  if (!view) return;
  const { index } = ctx;
  const candidates = () => [...BUILTIN_ACTIONS, ...index.actions.keys(), ...index.known.actions];
  for (const task of view.tasks) {
    if (!task.own) continue;
    const { action, component } = task.def;
    const actionPointer = joinPointer(task.pointer, 'action');
    if (component !== undefined) {
      const capabilities = index.known.components.get(component);
      if (!capabilities) {
        ctx.report(
          {
            code: 'ACTION_UNKNOWN_COMPONENT',
            severity: 'warning',
            pointer: joinPointer(task.pointer, 'component'),
            message: `component '${component}' of task '${task.def.id}' is not registered here; the task fails at run time unless it registers first`,
          },
          'value',
        );
      } else if (action !== '' && !capabilities.includes(action)) {
        ctx.report({
          code: 'ACTION_UNKNOWN_COMPONENT',
          severity: 'warning',
          pointer: actionPointer,
          message: `component '${component}' does not list the capability '${action}' (it has: ${capabilities.join(', ') || 'none'})`,
        });
      }
      continue;
    }
    if (action === '') continue; // the schema reports the missing key
    if (workflowExists(index, action)) {
      ctx.report({
        code: 'ACTION_IS_WORKFLOW',
        pointer: actionPointer,
        message: `'${action}' is a workflow, not an action; run it with action: core.workflow and input: { workflow: ${action} }`,
        hint: `action: core.workflow, input: { workflow: ${action}, input: {...} }`,
      });
      continue;
    }
    if (!actionExists(index, action)) {
      const hint = didYouMean(action, candidates());
      const isTemplate = index.templates.has(action) || index.known.templates.has(action);
      ctx.report({
        code: 'ACTION_UNKNOWN',
        pointer: actionPointer,
        message: isTemplate
          ? `'${action}' is a template, not an action; instantiate the template into a workflow first`
          : `unknown action '${action}' in task '${task.def.id}'`,
        ...(hint ? { hint } : !isTemplate ? { hint: `built-in actions: ${BUILTIN_ACTIONS.join(', ')}` } : {}),
      });
      continue;
    }
    checkDependency(ctx, action, actionPointer, 'action');
    if (action === 'core.workflow') checkChildWorkflow(ctx, task.def.input, joinPointer(task.pointer, 'input'));
  }
};

function checkChildWorkflow(ctx: RuleContext, input: Record<string, unknown>, inputPointer: string): void {
  const target = input['workflow'];
  const pointer = joinPointer(inputPointer, 'workflow');
  if (target === undefined) {
    ctx.report({ code: 'TASK_INPUT_MISSING_PARAMETER', pointer: inputPointer, message: "core.workflow needs input.workflow: the ref of the workflow to run" });
    return;
  }
  if (typeof target !== 'string' || target.includes('${')) return;
  if (!workflowExists(ctx.index, target)) {
    const hint = didYouMean(target, [...ctx.index.workflows.keys(), ...ctx.index.known.workflows]);
    ctx.report({
      code: 'ACTION_UNKNOWN_WORKFLOW',
      pointer,
      message: `core.workflow names unknown workflow '${target}'`,
      ...(hint ? { hint } : {}),
    });
    return;
  }
  checkDependency(ctx, target, pointer, 'workflow');
}
