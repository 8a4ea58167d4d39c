/** /api/checkpoints: snapshots of an execution's fold; validate one, or restore it as a new execution. */
import { HarmoniaError } from '../../core/errors.js';
import { defineRoutes, type AppServices } from '../route.js';
import { checkpointView, executionView } from '../views.js';
import { PAGE_QUERY, pageQuery } from './paging.js';

async function checkpointOf(services: AppServices, id: string) {
  const record = await services.store.executions.getCheckpoint(id);
  if (record === null) {
    throw new HarmoniaError('CHECKPOINT_NOT_FOUND', `checkpoint '${id}' does not exist`, { details: { checkpoint_id: id } });
  }
  return record;
}

/** The checkpoint routes. */
export function checkpointRoutes() {
  const notFound = { description: 'No such checkpoint.', schema: 'Error' };
  return defineRoutes([
    {
      method: 'POST',
      path: '/checkpoints',
      base: 'api',
      scope: 'write',
      tag: 'checkpoints',
      summary: 'Checkpoint an execution: store a snapshot of its state at its latest event.',
      body: { types: ['json'], schema: 'CreateCheckpointRequest', required: true },
      responses: { 201: { description: 'Created.', schema: 'CheckpointView' }, 404: { description: 'No such execution.', schema: 'Error' } },
      handler: async (request, services) => {
        const { execution_id: executionId } = request.body as { execution_id: string };
        return { status: 201, body: checkpointView(await services.engine.createCheckpoint(executionId)) };
      },
    },
    {
      method: 'GET',
      path: '/checkpoints',
      base: 'api',
      scope: 'read',
      tag: 'checkpoints',
      summary: "An execution's checkpoints, oldest first.",
      query: [{ name: 'execution_id', type: 'string', description: 'The execution (required).' }, ...PAGE_QUERY],
      responses: { 200: { description: 'A page of the checkpoints.', schema: 'CheckpointList' }, 404: { description: 'No such execution.', schema: 'Error' } },
      handler: async (request, services) => ({ body: await services.app.listCheckpoints(request.query.execution_id ?? '', pageQuery(request.query)) }),
    },
    {
      method: 'GET',
      path: '/checkpoints/:id',
      base: 'api',
      scope: 'read',
      tag: 'checkpoints',
      summary: 'One checkpoint with its snapshot.',
      responses: { 200: { description: 'The checkpoint.', schema: 'CheckpointDetail' }, 404: notFound },
      handler: async (request, services) => ({ body: await services.app.getCheckpoint(request.params.id ?? '') }),
    },
    {
      method: 'POST',
      path: '/checkpoints/:id/validate',
      base: 'api',
      scope: 'read',
      tag: 'checkpoints',
      summary: "Check that a checkpoint's snapshot still equals the fold of its execution's history.",
      responses: { 200: { description: '`valid` and the problems found.', schema: 'CheckpointValidation' }, 404: notFound },
      handler: async (request, services) => {
        await checkpointOf(services, request.params.id ?? '');
        return { body: await services.engine.validateCheckpoint(request.params.id ?? '') };
      },
    },
    {
      method: 'POST',
      path: '/checkpoints/:id/restore',
      base: 'api',
      scope: 'write',
      tag: 'checkpoints',
      summary: "Start a new execution that continues from the checkpoint's finished tasks.",
      responses: {
        201: { description: 'The new execution.', schema: 'RestoredExecution' },
        404: notFound,
        422: { description: 'The checkpoint is not valid.', schema: 'Error' },
      },
      handler: async (request, services) => {
        await checkpointOf(services, request.params.id ?? '');
        const record = await services.engine.restoreCheckpoint(request.params.id ?? '');
        return { status: 201, body: { ...executionView(record), restored_from: request.params.id } };
      },
    },
  ]);
}
