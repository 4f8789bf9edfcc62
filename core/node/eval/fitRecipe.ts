import type { DatasetValue, LearnerValue, TrainedModelValue } from '../../common';
import { fitLearner, LearnerError, learnerModules, type LearnerModule } from '../../common/learners';
import type { ModelSpecValue } from '../../common/model';
import { trainerParams } from '../../common/nodes/train/trainer';
import { throwIfAborted, UserError } from '../executors/Executor';
import { trainSpec, type TrainHost } from '../executors/train/trainer';

/** How a refit reports: progress within the fit, warnings once each, cancellation. */
export interface RefitHost {
  signal: AbortSignal;
  progress(fraction: number, message: string): void;
  warn(message: string): void;
  workspace: string;
  nodeId: string;
}

/**
 * Fits an unfitted learner (the recipe of an ml.* node or of train.trainer) on the train split of
 * `data`, exactly as its node would: the same module or training loop, params and seed.
 */
export async function fitRecipe(
  recipe: LearnerValue,
  data: DatasetValue,
  host: RefitHost,
  where: string,
): Promise<TrainedModelValue> {
  if (recipe.learner === 'train.trainer') {
    const params = trainerParams.parse({ ...recipe.params, checkpoint: false });
    if (params.target === 'input')
      throw new UserError(
        `${where}: a connected train.trainer trains an autoencoder (target input), which predicts no labels to score; use eval.anomaly or gen.sample on its model`,
        1,
      );
    const trainHost: TrainHost = {
      signal: host.signal,
      progress: (f, m) => host.progress(f, m ?? ''),
      log: (message, level) => {
        if (level === 'warn') host.warn(message);
      },
      epochMetrics: () => undefined,
      workspace: host.workspace,
      nodeId: host.nodeId,
    };
    return (await trainSpec(trainHost, recipe.model as ModelSpecValue, data, params, where)).trained;
  }
  const module = (learnerModules as Record<string, LearnerModule<never>>)[recipe.learner] as
    LearnerModule<Record<string, unknown>> | undefined;
  if (!module) {
    throw new UserError(
      `${where}: unknown learner ${recipe.learner}; connect the learner output of an ml.* node or train.trainer`,
      1,
    );
  }
  try {
    const fitted = await fitLearner(module, recipe.params, data, {
      step: async (fraction, message) => {
        throwIfAborted(host.signal);
        host.progress(fraction, message);
        await new Promise<void>((resolve) => setImmediate(resolve));
        throwIfAborted(host.signal);
      },
      epoch: () => undefined,
      warn: host.warn,
    });
    return fitted.model;
  } catch (e) {
    if (e instanceof LearnerError) throw new UserError(`${where}: ${e.message}`, 1);
    throw e;
  }
}
