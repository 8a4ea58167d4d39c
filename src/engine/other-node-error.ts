import { HarmoniaError } from '../core/errors.js';

/** Thrown when a cluster node is asked to act on an execution another node runs. */
export function otherNodeError(id: string, status: string, action: string): HarmoniaError {
  return new HarmoniaError('EXEC_INVALID_STATE', `execution '${id}' is being run by another node; send the ${action} to the node running it`, {
    details: { execution_id: id, status },
  });
}
