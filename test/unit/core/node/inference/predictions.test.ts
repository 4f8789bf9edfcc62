import { describe, expect, it } from 'vitest';
import { checkClassCount, predictionsFromOutput } from '../../../../../core/node/inference/predictions';

describe('predictionsFromOutput', () => {
  const split = { x: new Float32Array(6), n: 3, y: Int32Array.from([2, 0, 1]) };

  it('labels each classifier row with its most probable class and keeps the probabilities and actual labels', () => {
    const values = Float32Array.from([0.1, 0.2, 0.7, 0.6, 0.3, 0.1, 0.2, 0.5, 0.3]);
    const p = predictionsFromOutput('classification', 'test', split, { values, width: 3 }, ['a', 'b', 'c']);
    expect(p).toMatchObject({ task: 'classification', split: 'test', n: 3, classNames: ['a', 'b', 'c'] });
    expect(Array.from(p.predicted)).toEqual([2, 0, 1]);
    expect(p.probabilities).toBe(values);
    expect(p.actual).toBe(split.y);
  });

  it('passes regression rows through as the predictions', () => {
    const y = Float32Array.from([1.5, -2, 0.25]);
    const values = Float32Array.from([1, -1, 0]);
    const p = predictionsFromOutput('regression', 'valid', { ...split, y }, { values, width: 1 }, ['ignored']);
    expect(p).toEqual({ task: 'regression', split: 'valid', n: 3, predicted: values, actual: y });
  });

  it('refuses class counts that differ, naming the node', () => {
    expect(() => checkClassCount(3, 3, 'eval.predict (p)', 'x')).not.toThrow();
    expect(() => checkClassCount(2, 3, 'eval.predict (p)', 'the model outputs 2 class probabilities')).toThrow(
      'eval.predict (p): the model outputs 2 class probabilities but the dataset has 3 classes',
    );
  });
});
