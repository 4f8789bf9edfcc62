import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { TrialUpdate } from '../../../../core/common';
import { bestSoFar, sortTrials } from '../../../../core/common/search/trialsView';
import { TrialsPlots } from '../../../../renderer/run/TrialsPlots';
import { TrialsTable } from '../../../../renderer/run/TrialsTable';

const trial = (index: number, status: TrialUpdate['status'], objective?: number): TrialUpdate => ({
  index,
  of: 4,
  status,
  params: { 'train.lr': 0.001 * (index + 1), 'mlp.hidden': [32 * (index + 1)] },
  metric: 'accuracy',
  maximize: true,
  ...(objective !== undefined ? { objective } : {}),
  ...(index === 3 ? { best: { index: 2, objective: 0.97 } } : {}),
  ...(status === 'finished' ? { recordId: `run${index}` } : {}),
});
const trials = [trial(0, 'finished', 0.91), trial(1, 'pruned'), trial(2, 'finished', 0.97), trial(3, 'running')];

describe('live trials table', () => {
  it('sorts by objective with trials lacking one last, either direction', () => {
    expect(sortTrials(trials, 'objective', 'desc').map((t) => t.index)).toEqual([2, 0, 1, 3]);
    expect(sortTrials(trials, 'objective', 'asc').map((t) => t.index)).toEqual([0, 2, 1, 3]);
    expect(sortTrials(trials, 'index', 'desc').map((t) => t.index)).toEqual([3, 2, 1, 0]);
  });

  it('draws the best objective after each ended trial, in trial order', () => {
    const ended = [
      trial(0, 'pruned'),
      trial(1, 'finished', 0.91),
      trial(2, 'finished', 0.9),
      trial(3, 'finished', 0.95),
    ];
    expect(bestSoFar(ended, true)).toEqual({ x: [0, 1, 2, 3], best: [null, 0.91, 0.91, 0.95] });
    expect(bestSoFar(ended, false).best).toEqual([null, 0.91, 0.9, 0.9]);
    expect(bestSoFar(trials, true).x).toEqual([0, 1, 2]);
  });

  it('renders one row per trial with its values, status and objective, the best marked, and open buttons', () => {
    const html = renderToStaticMarkup(<TrialsTable nodeId="search" trials={trials} onOpen={() => undefined} />);
    expect(html).toContain('search: 3 of 4 trials, best #2');
    expect(html.match(/<tr class="runs-row/g)).toHaveLength(4);
    expect(html).toContain('<td>[64]</td>');
    expect(html).toContain('runs-status-pruned');
    expect(html).toContain('0.9700');
    expect(html.match(/>open</g)).toHaveLength(2);
    expect(html).toMatch(/<tr class="runs-row selected"[^>]*><td>2<\/td>/);
  });

  it('draws one parallel-coordinates line per finished trial and marks the Pareto front by cost', () => {
    const costed = [
      { ...trial(0, 'finished', 0.9), cost: 100 },
      { ...trial(1, 'finished', 0.95), cost: 300 },
      { ...trial(2, 'finished', 0.93), cost: 400 },
      trial(3, 'pruned'),
    ];
    const html = renderToStaticMarkup(<TrialsPlots trials={costed} />);
    expect(html.match(/<polyline/g)).toHaveLength(3);
    expect(html.match(/data-front="yes"/g)).toHaveLength(2);
    expect(html.match(/data-front="no"/g)).toHaveLength(1);
    expect(renderToStaticMarkup(<TrialsPlots trials={[trial(0, 'finished', 0.9)]} />)).toBe('');
  });
});
