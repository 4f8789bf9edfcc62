import type { TableValue } from '../../../common';
import { shuffleTable } from '../../../common/nodes/prep/shuffle';
import type { Executor } from '../Executor';

export const shuffleExecutor: Executor<{ seed: number }> = async (ctx) => {
  const table = shuffleTable(ctx.inputs.table as TableValue, ctx.params.seed);
  return { outputs: { table }, summary: { text: `${table.rowCount} rows shuffled (seed ${ctx.params.seed})` } };
};
