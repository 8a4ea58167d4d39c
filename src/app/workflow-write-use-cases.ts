/**
 * Writing workflows through the API: create (JSON object or YAML/JSON text, validated like
 * pack files), update (a new version of a ref created through the API) and delete.
 */
import { HarmoniaError } from '../core/errors.js';
import type { HarmoniaApi } from '../core/harmonia-api.js';
import type { WorkflowWriteResult } from '../core/wire.js';
import type { WorkflowDocument } from '../core/workflow-document.js';
import { createRegistry } from '../registry/create-registry.js';
import type { Store } from '../store/store.js';
import { intakeDefinition, type IntakeResult } from './definition-intake.js';
import { workflowDetail } from './views.js';
import type { WriteSettings } from './write-settings.js';

/** A create's answer and whether it made a new ref (the route's 201). */
export interface WorkflowCreated {
  result: WorkflowWriteResult;
  created: boolean;
}

export type WorkflowWriteUseCases = Pick<HarmoniaApi, 'createWorkflow' | 'updateWorkflow' | 'deleteWorkflow'> & {
  /** createWorkflow, telling whether the ref is new. */
  registerWorkflow(definition: WorkflowDocument | string, options?: { name?: string }): Promise<WorkflowCreated>;
};

function jsonObjectOf(text: string): Record<string, unknown> | undefined {
  if (!text.trimStart().startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The text to validate and the name the body gives. The integration guide's JSON examples
 * carry no `version`: 1.0.0 is inserted after the opening brace, so line numbers in
 * diagnostics still point into the text as sent.
 */
function documentText(definition: WorkflowDocument | string): { text: string; bodyName: string | undefined } {
  const text = typeof definition === 'string' ? definition : `${JSON.stringify(definition, null, 2)}\n`;
  const value = jsonObjectOf(text);
  if (value === undefined) return { text, bodyName: undefined };
  const bodyName = typeof value.name === 'string' ? value.name : undefined;
  if ('version' in value) return { text, bodyName };
  const empty = Object.keys(value).length === 0;
  return { text: text.replace('{', `{"version": "1.0.0"${empty ? '' : ','}`), bodyName };
}

/** Creates the workflow writes over a store. */
export function createWorkflowWriteUseCases(store: Store, settings: WriteSettings): WorkflowWriteUseCases {
  const registry = createRegistry(store);
  async function answer(intake: IntakeResult): Promise<WorkflowWriteResult> {
    const head = await store.registry.getHead('workflow', intake.record.ref);
    return { ...workflowDetail(intake.record, head), changed: intake.changed, diagnostics: intake.diagnostics };
  }
  async function write(definition: WorkflowDocument | string, pack: string, name: string | undefined, mode: 'create' | 'update'): Promise<IntakeResult> {
    const { text, bodyName } = documentText(definition);
    const refName = name ?? bodyName;
    return intakeDefinition({
      store,
      kind: 'workflow',
      text,
      pack_ref: pack,
      ...(refName !== undefined ? { name: refName } : {}),
      max_file_size: settings.max_workflow_size,
      max_task_count: settings.max_task_count,
      api_pack: settings.api_pack,
      mode,
    });
  }
  const registerWorkflow: WorkflowWriteUseCases['registerWorkflow'] = async (definition, options = {}) => {
    const intake = await write(definition, settings.api_pack, options.name, 'create');
    return { result: await answer(intake), created: intake.created };
  };
  return {
    registerWorkflow,
    createWorkflow: async (definition, options = {}) => (await registerWorkflow(definition, options)).result,
    async updateWorkflow(idOrRef, definition) {
      const current = await registry.getWorkflow(idOrRef);
      const name = current.ref.slice(current.ref.indexOf('.') + 1);
      return answer(await write(definition, current.pack_ref, name, 'update'));
    },
    async deleteWorkflow(idOrRef) {
      const current = await registry.getWorkflow(idOrRef);
      if (current.origin.source !== 'api') {
        throw new HarmoniaError('STORE_CONFLICT', `workflow '${current.ref}' comes from pack files; delete its file from the pack instead`, {
          details: { ref: current.ref },
        });
      }
      await store.registry.markDeleted('workflow', current.ref);
      return { deleted: true, ref: current.ref };
    },
  };
}
