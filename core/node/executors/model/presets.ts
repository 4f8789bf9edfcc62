import type { CnnParams } from '../../../common/nodes/model/cnnNode';
import { cnnSpec } from '../../../common/nodes/model/cnnNode';
import type { MlpParams } from '../../../common/nodes/model/mlpNode';
import { mlpSpec } from '../../../common/nodes/model/mlpNode';
import type { Executor } from '../Executor';

const describe = (layers: number): string =>
  `${layers} layers; input and output sizes come from the dataset at training time`;

export const mlpExecutor: Executor<MlpParams> = async ({ params }) => {
  const model = mlpSpec(params);
  return { outputs: { model }, summary: { text: describe(model.nodes.length) } };
};

export const cnnExecutor: Executor<CnnParams> = async ({ params }) => {
  const model = cnnSpec(params);
  return { outputs: { model }, summary: { text: describe(model.nodes.length) } };
};
