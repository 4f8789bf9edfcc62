import { describe, expect, it } from 'vitest';
import { builtinNodes, canConnect, formatPortType, type PortType } from '../../../../../../core/common';
import { learnerModules } from '../../../../../../core/common/learners';

const dataset = (task: 'classification' | 'regression'): PortType => ({
  kind: 'Dataset',
  featureShape: [4],
  task,
  ...(task === 'classification' ? { classNames: ['a', 'b', 'c'] } : {}),
});

describe('learner node definitions', () => {
  const types = Object.keys(learnerModules);

  it('every learner module has a node of its type in the Learners category, and every param a doc', () => {
    for (const type of types) {
      const def = builtinNodes[type as keyof typeof builtinNodes];
      expect(def.category, type).toBe('Learners');
      expect(def.inputs.map((p) => [p.name, p.type.kind])).toEqual([['data', 'Dataset']]);
      expect(def.outputs.map((p) => [p.name, p.type.kind])).toEqual([
        ['model', 'TrainedModel'],
        ['learner', 'Learner'],
      ]);
      const shape = (def.params as unknown as { shape: Record<string, { description?: string }> }).shape;
      for (const [name, schema] of Object.entries(shape)) expect(schema.description, `${type}.${name}`).toBeTruthy();
    }
  });

  it('infer the model and learner types, and refuse a dataset of the wrong task at design time', () => {
    const logistic = builtinNodes['ml.logistic'];
    const ok = logistic.inferOutputs!({
      params: logistic.params.parse({}),
      inputs: { data: dataset('classification') },
    });
    expect(ok).toEqual({
      outputs: {
        model: { kind: 'TrainedModel', inputShape: ['batch', 4], outputShape: ['batch', 3] },
        learner: { kind: 'Learner', learner: 'ml.logistic', task: 'classification' },
      },
    });
    const linear = builtinNodes['ml.linear'];
    const bad = linear.inferOutputs!({ params: linear.params.parse({}), inputs: { data: dataset('classification') } });
    expect(bad).toEqual({ error: 'ml.linear fits regression datasets; this one is classification' });
  });

  it('Learner ports connect when their tasks agree and spell out their learner', () => {
    const a: PortType = { kind: 'Learner', learner: 'ml.forest', task: 'classification' };
    expect(formatPortType(a)).toBe('Learner<ml.forest, classification>');
    expect(canConnect(a, { kind: 'Learner' })).toEqual({ ok: true });
    expect(canConnect(a, { kind: 'Learner', task: 'regression' }).ok).toBe(false);
    expect(canConnect(a, { kind: 'TrainedModel' }).ok).toBe(false);
  });
});
