/** Writing templates: create one from a registered workflow, instantiate one into a workflow. */
import type { HarmoniaApi } from '../core/harmonia-api.js';
import type { WorkflowDef } from '../core/model.js';
import type { CreateTemplateRequest, TemplateWriteResult } from '../core/wire.js';
import { createRegistry } from '../registry/create-registry.js';
import type { Store } from '../store/store.js';
import { instantiateTemplate } from '../templates/instantiate-template.js';
import { ensureApiPack, intakeDefinition } from './definition-intake.js';
import { templateDetail, workflowDetail } from './views.js';
import type { WriteSettings } from './write-settings.js';

/** A create's answer and whether it made a new ref (the route's 201). */
export interface TemplateCreated {
  result: TemplateWriteResult;
  created: boolean;
}

export type TemplateWriteUseCases = Pick<HarmoniaApi, 'createTemplate' | 'instantiateTemplate'> & {
  /** createTemplate, telling whether the ref is new. */
  registerTemplate(request: CreateTemplateRequest): Promise<TemplateCreated>;
};

/** Creates the template writes over a store. */
export function createTemplateWriteUseCases(store: Store, settings: WriteSettings): TemplateWriteUseCases {
  const registry = createRegistry(store);
  const registerTemplate: TemplateWriteUseCases['registerTemplate'] = async (request) => {
    const workflow = await registry.getWorkflow(request.workflow_definition_id);
    const { version: _version, name: _name, ...workflowBody } = workflow.body as WorkflowDef;
    // Validated as a template file: every ${param.*} the workflow reads must be declared.
    const template = {
      version: '1.0.0',
      name: request.name,
      ...(request.description !== undefined ? { description: request.description } : {}),
      parameters: request.parameters ?? {},
      workflow: workflowBody,
    };
    const intake = await intakeDefinition({
      store,
      kind: 'template',
      text: `${JSON.stringify(template, null, 2)}\n`,
      pack_ref: settings.api_pack,
      name: request.name,
      max_file_size: settings.max_workflow_size,
      max_task_count: settings.max_task_count,
      api_pack: settings.api_pack,
      mode: 'create',
    });
    return { result: { ...templateDetail(intake.record), changed: intake.changed, diagnostics: intake.diagnostics }, created: intake.created };
  };
  return {
    registerTemplate,
    createTemplate: async (request) => (await registerTemplate(request)).result,
    async instantiateTemplate(idOrRef, parameterValues = {}, options = {}) {
      const template = await registry.getTemplate(idOrRef);
      await ensureApiPack(store, settings.api_pack);
      const record = await instantiateTemplate({
        store,
        templateRef: template.ref,
        parameterValues,
        packRef: settings.api_pack,
        ...(options.name !== undefined ? { name: options.name } : {}),
      });
      const head = await store.registry.getHead('workflow', record.ref);
      return { ...workflowDetail(record, head), template_id: template.id };
    },
  };
}
