/**
 * The workflows a workflow starts through core.workflow by a literal ref: its edges in the
 * call graph WORKFLOW_RECURSION walks. One function for the workflows of a run and for
 * those only registered (known-refs.ts), so a ring is found whichever side its links are on.
 */
import type { WorkflowDef } from '../core/model.js';
import { hasExpression } from '../expr/parse-template.js';

/** The workflow a task starts by a literal ref, or null (another action, a component, an expression). */
export function literalWorkflowCall(task: { action: string; input: Record<string, unknown>; component?: unknown }): string | null {
  if (task.action !== 'core.workflow' || task.component !== undefined) return null;
  const workflow = task.input['workflow'];
  return typeof workflow === 'string' && !hasExpression(workflow) ? workflow : null;
}

/** Every workflow `body` starts by a literal ref, in task order. */
export function workflowCallsOf(body: WorkflowDef | null | undefined): string[] {
  const out: string[] = [];
  for (const task of body?.tasks ?? []) {
    const call = literalWorkflowCall(task);
    if (call !== null) out.push(call);
  }
  return out;
}
