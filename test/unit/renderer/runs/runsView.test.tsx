import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { toListing } from '../../../../core/common/runs';
import { RunsService } from '../../../../core/node/runs/RunsService';
import { StudioError } from '../../../../core/node/studio/StudioError';
import { RunDiffView } from '../../../../renderer/runs/RunDiffView';
import { RunsTable } from '../../../../renderer/runs/RunsTable';
import type { EngineClient } from '../../../../renderer/engine/EngineClient';
import type { RunsClient } from '../../../../renderer/runs/runsClient';
import { twoRecordedFitRuns } from '../../core/node/runs/fixtures/fitNodes';

const twoRuns = () => twoRecordedFitRuns('weft-runsview-');

describe('runs view over the runs service', () => {
  it('lists, diffs and removes runs through the channel contract, with prefixes and clear errors', async () => {
    const { store, a, b } = await twoRuns();
    const service = new RunsService(store);
    const list = await service.handle('runs.list', {});
    expect(list.runs.map((r) => r.id).sort()).toEqual([a.id, b.id].sort());
    expect((await service.handle('runs.get', { id: a.id.slice(0, 6) })).epochs.fit).toHaveLength(3);
    const d = await service.handle('runs.diff', { a: a.id, b: b.id });
    expect(d.pipeline.params).toEqual([{ node: 'fit', path: 'lr', from: 0.05, to: 0.2 }]);
    await expect(service.handle('runs.get', { id: 'zzzz' })).rejects.toMatchObject({ status: 404 });
    await expect(service.handle('runs.get', { id: '../etc' })).rejects.toBeInstanceOf(StudioError);
    expect(await service.handle('runs.remove', { ids: [a.id] })).toEqual({ removed: [a.id] });
    expect((await service.handle('runs.list', {})).runs.map((r) => r.id)).toEqual([b.id]);
  });

  it('renders the table sorted with metric columns, and the diff with the changed param and deltas', async () => {
    const { a, b } = await twoRuns();
    const table = renderToStaticMarkup(
      <RunsTable
        runs={[toListing(a), toListing(b)]}
        sort={{ key: 'metric:a', dir: 'desc' }}
        onSort={() => undefined}
        selected={[b.id]}
        onToggle={() => undefined}
      />,
    );
    expect(table).toContain('>a ▼</th>');
    expect(table).toContain('>slope</th>');
    expect(table).toContain('Δ slope');
    expect(table).toMatch(/class="runs-metric runs-delta runs-delta-(better|worse|same)" title="from run /);
    expect(table).toContain(`data-run-id="${b.id}" class="runs-row selected"`);
    const html = renderToStaticMarkup(
      <RunDiffView a={a} b={b} diff={(await import('../../../../core/common/runs')).diffRuns(a, b)} />,
    );
    expect(html).toContain('fit.lr');
    expect(html).toContain('<td>0.05</td><td>0.2</td>');
    const delta = b.metrics['score.slope'] - a.metrics['score.slope'];
    expect(html).toContain(`${delta > 0 ? '+' : ''}${Number(delta.toPrecision(6))}`);
    expect(html).toContain('same data files');
  });
});

describe('the studio client contract', () => {
  it('is served by the studio EngineClient: runs channels are studio channels with the same params and results', async () => {
    const calls: [string, unknown][] = [];
    const engine = {
      invoke: async (channel: string, params: unknown) => {
        calls.push([channel, params]);
        return { runs: [], problems: [] };
      },
    } as unknown as EngineClient;
    const client: RunsClient = { call: (channel, params) => engine.invoke(channel, params) };
    expect(await client.call('runs.list', {})).toEqual({ runs: [], problems: [] });
    expect(calls).toEqual([['runs.list', {}]]);
  });
});
