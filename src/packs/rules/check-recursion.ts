/**
 * WORKFLOW_RECURSION: a workflow that starts itself through core.workflow, directly or
 * through a ring of workflows of its own pack. Each call nests one execution deeper, until
 * max_workflow_depth fails it, unless a condition ends the recursion: legitimate when
 * bounded, hence a warning. A late rule: it reads the other workflows of the run, and the
 * calls of workflows only registered (a workflow sent to the API joins a pack whose other
 * workflows are not sent along), so every gate finds the ring `harmonia validate` finds.
 */
import type { WorkflowDef } from '../../core/model.js';
import { joinPointer } from '../../core/source.js';
import { literalWorkflowCall, workflowCallsOf } from '../workflow-calls.js';
import type { Rule, RuleContext } from './rule-context.js';

/** The workflows of pack `pack` that workflow `ref` calls: the run's file when it has one, else the registered version's. */
function callees(ctx: RuleContext, ref: string, pack: string): string[] {
  const file = ctx.index.workflows.get(ref);
  const calls = file !== undefined ? workflowCallsOf(file.body as WorkflowDef | null) : (ctx.index.known.workflow_calls?.get(ref) ?? []);
  return calls.filter((child) => child.startsWith(`${pack}.`));
}

/**
 * The ring a call of `self` to `target` closes (`self → target → ... → self`), or null:
 * breadth first from `target` over the calls of the pack's workflows (linear in their tasks).
 */
function callRing(ctx: RuleContext, self: string, target: string, pack: string): string[] | null {
  if (target === self) return [self, self];
  const calledBy = new Map<string, string | null>([[target, null]]);
  const queue = [target];
  for (let i = 0; i < queue.length; i++) {
    const at = queue[i] as string;
    for (const next of callees(ctx, at, pack)) {
      if (next === self) {
        const path: string[] = [];
        for (let step: string | null | undefined = at; step !== null && step !== undefined; step = calledBy.get(step)) path.unshift(step);
        return [self, ...path, self];
      }
      if (calledBy.has(next)) continue;
      calledBy.set(next, at);
      queue.push(next);
    }
  }
  return null;
}

export const checkWorkflowRecursion: Rule = (ctx) => {
  const view = ctx.file.view;
  const self = ctx.file.ref;
  if (ctx.file.loaded.kind !== 'workflow' || !view || self === null) return;
  const pack = ctx.file.pack.ref;
  for (const task of view.tasks) {
    if (!task.own) continue;
    const target = literalWorkflowCall(task.def);
    if (target === null || !target.startsWith(`${pack}.`)) continue;
    const ring = callRing(ctx, self, target, pack);
    if (!ring) continue;
    ctx.report({
      code: 'WORKFLOW_RECURSION',
      severity: 'warning',
      pointer: joinPointer(task.pointer, 'input', 'workflow'),
      message: `task '${task.def.id}' starts a workflow that leads back to this one (${ring.join(' → ')}): each call nests an execution deeper, until max_workflow_depth fails it`,
      hint: 'make sure a condition ends the recursion, or call a workflow outside the ring',
    });
  }
};
