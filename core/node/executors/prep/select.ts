import type { TableValue } from '../../../common';
import { selectColumns, type SelectParams } from '../../../common/nodes/prep/select';
import type { Executor } from '../Executor';
import { asUserError } from './asUserError';

export const selectExecutor: Executor<SelectParams> = async (ctx) => {
  const table = asUserError(ctx.nodeId, () => selectColumns(ctx.inputs.table as TableValue, ctx.params));
  return {
    outputs: { table },
    summary: { text: `${table.columns.length} columns: ${table.columns.map((c) => c.name).join(', ')}` },
  };
};
