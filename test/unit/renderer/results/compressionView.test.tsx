import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { CompressionValue, MetricsValue } from '../../../../core/common';
import { MetricsView } from '../../../../renderer/results/MetricsView';

const compression: CompressionValue = {
  split: 'test',
  rows: 2000,
  models: [
    {
      id: 'teacher',
      kind: 'float32',
      accuracy: 0.961,
      parameters: 56_714,
      nonzero: 56_714,
      bytes: 229_000,
      batch1Ms: 0.04,
      batch256Ms: 6.4,
    },
    {
      id: 'student',
      kind: 'distilled',
      accuracy: 0.955,
      parameters: 5_258,
      nonzero: 5_258,
      bytes: 22_900,
      batch1Ms: 0.01,
      batch256Ms: 1.6,
    },
    {
      id: 'int8',
      kind: 'int8 static QDQ',
      accuracy: 0.93,
      parameters: 5_258,
      nonzero: 5_000,
      bytes: 9_000,
      batch1Ms: 0.02,
      batch256Ms: 2,
    },
  ],
  warnings: ['int8 is 3.10 points below teacher in accuracy (more than maxAccuracyDrop 2.00)'],
};

const metrics: MetricsValue = {
  task: 'classification',
  split: 'test',
  scalars: { 'teacher.accuracy': 0.961 },
  tables: [{ title: 'Compression report (the CLI table)', columns: ['model'], rows: [['teacher']] }],
  compression,
};

const text = (html: string, testId: string): string =>
  html
    .split(`data-testid="${testId}">`)[1]
    .split('</td>')[0]
    .replace(/<[^>]+>/g, '');

describe('compression result view', () => {
  it('shows each model with its figures and the ratio against the first, the warnings, and not the CLI table twice', () => {
    const html = renderToStaticMarkup(<MetricsView metrics={metrics} />);
    expect(html).toContain('data-testid="compression-view"');
    expect(html).toContain('ratios against teacher');
    expect(text(html, 'compression-student-accuracy')).toBe('95.50% (-0.60 pts)');
    expect(text(html, 'compression-student-parameters')).toBe('5,258 (10.79×)');
    expect(text(html, 'compression-student-bytes')).toBe('22.4 KiB (10.00×)');
    expect(text(html, 'compression-int8-bytes')).toBe('9000 B (25.44×)');
    expect(text(html, 'compression-int8-batch1Ms')).toBe('0.0200 (2.00×)');
    expect(text(html, 'compression-teacher-batch256Ms')).toBe('6.400');
    expect(html).toContain('int8 is 3.10 points below teacher');
    expect(html).toContain('Non-zero parameters: teacher 56,714, student 5,258, int8 5,000');
    expect(html).not.toContain('Compression report (the CLI table)');
    expect(html).not.toContain('data-testid="metric-teacher.accuracy"');
  });
});
