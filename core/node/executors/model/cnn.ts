import type { CnnParams } from '../../../common/nodes/model/cnn';
import { cnnSpec } from '../../../common/nodes/model/cnn';
import type { Executor } from '../Executor';
import { describeSpec } from './describeSpec';

export const cnnExecutor: Executor<CnnParams> = async ({ params }) => {
  const model = cnnSpec(params);
  return { outputs: { model }, summary: { text: describeSpec(model.nodes.length) } };
};
