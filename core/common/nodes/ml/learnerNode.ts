import type { z } from 'zod';
import type { PortType } from '../../ports';
import { defineNode, type NodeDefinition } from '../NodeDefinition';

type Task = 'classification' | 'regression';

/**
 * The one shape of a classical learner node: `data: Dataset` in; `model: TrainedModel` (the same
 * value the neural trainer outputs) and `learner: Learner` (the unfitted recipe) out.
 */
export function defineLearnerNode<S extends z.ZodType>(def: {
  type: string;
  title: string;
  doc: string;
  params: S;
  tasks: readonly Task[];
}): NodeDefinition<S> {
  return defineNode({
    type: def.type,
    version: 1,
    title: def.title,
    category: 'Learners',
    doc: def.doc,
    inputs: [{ name: 'data', type: { kind: 'Dataset' }, doc: 'Fitted on its train split' }],
    outputs: [
      {
        name: 'model',
        type: { kind: 'TrainedModel' },
        doc: 'The fitted model as ONNX, for eval.*, export and serving',
      },
      {
        name: 'learner',
        type: { kind: 'Learner' },
        doc: 'The unfitted recipe (type, params, seed) and the fitted steps of its training data, for eval.compare',
      },
    ],
    params: def.params,
    expensive: true,
    inferOutputs: ({ inputs }) => {
      const data = inputs.data as Extract<PortType, { kind: 'Dataset' }> | undefined;
      if (data?.task && !def.tasks.includes(data.task)) {
        return { error: `${def.type} fits ${def.tasks.join(' or ')} datasets; this one is ${data.task}` };
      }
      const model: Extract<PortType, { kind: 'TrainedModel' }> = { kind: 'TrainedModel' };
      if (data?.featureShape) model.inputShape = ['batch', ...data.featureShape];
      if (data?.classNames) model.outputShape = ['batch', data.classNames.length];
      const learner: Extract<PortType, { kind: 'Learner' }> = {
        kind: 'Learner',
        learner: def.type,
        ...(data?.task ? { task: data.task } : {}),
      };
      return { outputs: { model, learner } };
    },
  });
}
