import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parsePromText, PromParseError } from '../../../../../core/common/serving/promText';

describe('parsePromText', () => {
  it('reads names, labels with escapes, special values and timestamps; skips comments', () => {
    const text = [
      '# HELP a_total A counter',
      '# TYPE a_total counter',
      'a_total 3',
      'b{path="C:\\\\dir",msg="say \\"hi\\"\\nbye",empty=""} 1.5e-3 1700000000000',
      'c{le="+Inf",} +Inf',
      'd -Inf',
      'e NaN',
      '',
      '   # a comment with leading spaces',
    ].join('\n');
    const got = parsePromText(text);
    expect(got.slice(0, 4)).toEqual([
      { name: 'a_total', labels: {}, value: 3 },
      { name: 'b', labels: { path: 'C:\\dir', msg: 'say "hi"\nbye', empty: '' }, value: 0.0015 },
      { name: 'c', labels: { le: '+Inf' }, value: Infinity },
      { name: 'd', labels: {}, value: -Infinity },
    ]);
    expect(got[4]?.name).toBe('e');
    expect(got[4]?.value).toBeNaN();
  });

  it('reads what prom-client writes, sample for sample', async () => {
    const registry = new Registry();
    const c = new Counter({ name: 'req_total', help: 'h', labelNames: ['model', 'status'], registers: [registry] });
    const h = new Histogram({ name: 'lat_seconds', help: 'h', buckets: [0.1, 1], registers: [registry] });
    const g = new Gauge({ name: 'odd', help: 'h', labelNames: ['feature'], registers: [registry] });
    c.inc({ model: 'iris', status: '200' }, 7);
    c.inc({ model: 'iris', status: '400' });
    for (const v of [0.05, 0.5, 0.7, 3]) h.observe(v);
    g.set({ feature: 'petal "width"\\cm' }, -2.5);
    const got = parsePromText(await registry.metrics());
    const value = (name: string, labels: Record<string, string> = {}) =>
      got.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
    expect(value('req_total', { model: 'iris', status: '200' })).toBe(7);
    expect(value('req_total', { model: 'iris', status: '400' })).toBe(1);
    expect(value('lat_seconds_bucket', { le: '0.1' })).toBe(1);
    expect(value('lat_seconds_bucket', { le: '1' })).toBe(3);
    expect(value('lat_seconds_bucket', { le: '+Inf' })).toBe(4);
    expect(value('lat_seconds_sum')).toBeCloseTo(4.25, 12);
    expect(value('lat_seconds_count')).toBe(4);
    expect(value('odd', { feature: 'petal "width"\\cm' })).toBe(-2.5);
    expect(got).toHaveLength(2 + 3 + 2 + 1);
  });

  it('names the line of a malformed sample', () => {
    expect(() => parsePromText('ok 1\nbad{x="1} 2')).toThrow(PromParseError);
    expect(() => parsePromText('ok 1\nbad{x="1} 2')).toThrow(/line 2: unterminated value of label x/);
    expect(() => parsePromText('x one')).toThrow(/line 1: "one" is not a number/);
    expect(() => parsePromText('x{1a="b"} 1')).toThrow(/line 1: expected a label name/);
    expect(() => parsePromText('x')).toThrow(/line 1: expected a value/);
    expect(() => parsePromText('9x 1')).toThrow(/line 1: expected a metric name/);
  });
});
