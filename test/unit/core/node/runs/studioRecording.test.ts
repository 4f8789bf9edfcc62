import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../../../core/common';
import { RunStore } from '../../../../../core/node/runs/RunStore';
import { EngineService } from '../../../../../core/node/studio/EngineService';
import { fitEngine, fitNodes, fitPipeline, pointsCsv } from './fixtures/fitNodes';

describe('studio runs are recorded', () => {
  it('records an engine.run under the studio run id, with its epochs and the document path', async () => {
    const ws = mkdtempSync(path.join(tmpdir(), 'weft-studio-rec-'));
    writeFileSync(path.join(ws, 'points.csv'), pointsCsv());
    const events: EngineEvent[] = [];
    const service = new EngineService({
      engine: fitEngine(),
      workspace: ws,
      registry: fitNodes,
      onEvent: (e) => events.push(e),
    });
    const result = await service.handle('engine.run', {
      document: fitPipeline({ fit: { epochs: 2 } }),
      runId: 'studio-7',
      documentPath: 'fit.weft.json',
    });
    expect(result.ok && result.report.status).toBe('finished');
    expect(events.filter((e) => e.type === 'epoch.metrics').every((e) => e.runId === 'studio-7')).toBe(true);
    const rec = await new RunStore(ws).read('studio-7');
    expect(rec.status).toBe('finished');
    expect(rec.pipeline.file).toBe(path.join(ws, 'fit.weft.json'));
    expect(rec.epochs.fit).toHaveLength(2);
    expect(rec.metrics['score.slope']).toBe(rec.metrics['fit.a']);
  });
});
