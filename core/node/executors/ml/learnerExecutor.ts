import type { DatasetValue } from '../../../common';
import { fitLearner, LearnerError, type LearnerModule } from '../../../common/learners';
import { trainedOnOf } from '../../../common/learners/trainedOn';
import { autoLearnerThreads, openLearnerThreads } from '../../learners/threadPool';
import { throwIfAborted, UserError, type Executor } from '../Executor';

/** The executor of a learner node: fits `module` on the train split, reporting progress and warnings. */
export function learnerExecutor<P>(module: LearnerModule<P>): Executor<P> {
  return async (ctx) => {
    const where = `${module.type} (${ctx.nodeId})`;
    const warnings: string[] = [];
    const started = performance.now();
    const data = ctx.inputs.data as DatasetValue;
    let fitted;
    try {
      fitted = await fitLearner(module, ctx.params, data, {
        step: async (fraction, message) => {
          throwIfAborted(ctx.signal);
          ctx.progress(fraction, message);
          await new Promise<void>((resolve) => setImmediate(resolve));
          throwIfAborted(ctx.signal);
        },
        epoch: ctx.epochMetrics,
        warn: (message) => {
          warnings.push(message);
          ctx.log(`${where}: ${message}`, 'warn');
        },
        threads: openLearnerThreads,
        autoThreads: autoLearnerThreads,
      });
    } catch (e) {
      if (e instanceof LearnerError) throw new UserError(`${where}: ${e.message}`, 1);
      throw e;
    }
    ctx.progress(1, 'fitted');
    const seconds = (performance.now() - started) / 1000;
    const text = `${fitted.text}; ${seconds.toFixed(2)} s${warnings.length ? `; warning: ${warnings.join('; ')}` : ''}`;
    return {
      outputs: { model: fitted.model, learner: { ...fitted.learner, trainedOn: trainedOnOf(data) } },
      summary: { text, metrics: fitted.metrics, provider: 'cpu', ...(fitted.tree ? { tree: fitted.tree } : {}) },
    };
  };
}
