import { describe, expect, it } from 'vitest';
import { EarlyStopping } from '../../../../../core/node/training/EarlyStopping';

describe('EarlyStopping', () => {
  it('stops after patience epochs without a loss improvement larger than minDelta', () => {
    const es = new EarlyStopping({ monitor: 'val_loss', patience: 2, minDelta: 0.05 });
    const seen = [1, 0.9, 0.88, 0.87, 0.7].map((v, e) => es.update(e, { val_loss: v }));
    expect(seen.map((s) => s.improved)).toEqual([true, true, false, false, true]);
    expect(seen.map((s) => s.stop)).toEqual([false, false, false, true, false]);
    expect(es.bestEpoch).toBe(4);
  });

  it('treats accuracy as higher-is-better', () => {
    const es = new EarlyStopping({ monitor: 'val_accuracy', patience: 1, minDelta: 0 });
    expect(es.update(0, { val_accuracy: 0.5 }).improved).toBe(true);
    expect(es.update(1, { val_accuracy: 0.6 }).improved).toBe(true);
    expect(es.update(2, { val_accuracy: 0.55 })).toEqual({ improved: false, stop: true });
    expect(es.best).toBe(0.6);
    expect(es.bestEpoch).toBe(1);
  });

  it('counts an epoch without the metric (or NaN) as no improvement', () => {
    const es = new EarlyStopping({ monitor: 'val_loss', patience: 2, minDelta: 0 });
    es.update(0, { val_loss: 1 });
    expect(es.update(1, { val_loss: NaN }).stop).toBe(false);
    expect(es.update(2, {}).stop).toBe(true);
  });
});
