import type { MlpParams } from '../../../common/nodes/model/mlp';
import { mlpSpec } from '../../../common/nodes/model/mlp';
import type { Executor } from '../Executor';
import { describeSpec } from './describeSpec';

export const mlpExecutor: Executor<MlpParams> = async ({ params }) => {
  const model = mlpSpec(params);
  return { outputs: { model }, summary: { text: describeSpec(model.nodes.length) } };
};
