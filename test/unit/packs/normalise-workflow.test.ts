import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import type { WorkflowDef } from '../../../src/core/model.js';
import { normaliseWorkflowBody } from '../../../src/packs/normalise-workflow.js';
import { runPipeline } from '../../../src/packs/run-pipeline.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/packs');

describe('normaliseWorkflowBody()', () => {
  it('turns list-form tasks into ordered TaskDefs where id wins over name', () => {
    const { body, tasks } = normaliseWorkflowBody(
      { version: '1.0.0', tasks: [{ id: 'a', name: 'Step A', action: 'core.noop' }, { name: 'b', action: 'core.noop', metadata: { condition: '${true}' } }] },
      '',
    );
    expect(body.tasks).toEqual([
      { id: 'a', name: 'Step A', action: 'core.noop', depends_on: [], input: {} },
      { id: 'b', action: 'core.noop', depends_on: [], input: {}, condition: '${true}' },
    ]);
    expect(tasks.map((t) => [t.pointer, t.conditionPointer])).toEqual([
      ['/tasks/0', null],
      ['/tasks/1', '/tasks/1/metadata/condition'],
    ]);
  });

  it('fills in defaults for a map-form body', () => {
    const { body } = normaliseWorkflowBody({ version: '1.0.0', tasks: { a: { action: 'core.noop' } } }, '');
    expect(body).toEqual<WorkflowDef>({
      version: '1.0.0',
      input: {},
      context: {},
      tasks: [{ id: 'a', action: 'core.noop', depends_on: [], input: {} }],
      output: {},
      error_handlers: [],
    });
  });

  it('points diagnostics of list-form tasks at their index', async () => {
    const result = await runPipeline([path.join(fixtures, 'list_form')]);
    expect(result.diagnostics.map((d) => `${d.line} ${d.code} ${d.pointer}`)).toEqual([
      '14 DAG_UNKNOWN_DEPENDENCY /tasks/2/depends_on/0',
      '16 EXPR_NOT_UPSTREAM /tasks/2/metadata/condition',
      '17 EXPR_NOT_UPSTREAM /tasks/2/input/m',
    ]);
    expect(result.diagnostics[0]?.hint).toBe("did you mean 'transform'?");
  });
});
