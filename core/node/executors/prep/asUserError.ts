import { DataError } from '../../../common/nodes/prep/DataError';
import { UserError } from '../Executor';

/** Runs pure data code, turning its DataError into a UserError that names the node. */
export function asUserError<T>(nodeId: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof DataError) throw new UserError(`node ${nodeId}: ${e.message}`);
    throw e;
  }
}
