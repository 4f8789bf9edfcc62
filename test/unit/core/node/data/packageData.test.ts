import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinNodes, rebaseForCopy, type DatasetValue, type PipelineDocument } from '../../../../../core/common';
import { createDefaultEngine } from '../../../../../core/node/defaultEngine';
import { pipeline } from '../../../../fixtures/pipelineBuilder';
import { resolvePackagePath } from '../../../../../core/node/data/packagePath';
import {
  resolveDataPath,
  resolveParamPath,
  UserError,
  type PathPolicy,
} from '../../../../../core/node/executors/Executor';
import { packageRoot } from '../../../../../core/node/packageRoot';

const co2 = 'package:vega-datasets/data/co2-concentration.csv';
const refuseAll: PathPolicy = {
  check(abs) {
    throw new UserError(`${abs}: outside the workspace`);
  },
};

describe('package: paths', () => {
  it('name a data file inside one of Weft’s own dependencies', () => {
    const abs = resolveDataPath('/anywhere', co2);
    expect(abs).toBe(path.join(packageRoot(), 'node_modules', 'vega-datasets', 'data', 'co2-concentration.csv'));
    expect(existsSync(abs)).toBe(true);
    expect(resolveDataPath('/base', 'data.csv')).toBe(path.resolve('/base', 'data.csv'));
  });

  it('refuse packages Weft does not ship and paths that leave the package', () => {
    expect(resolvePackagePath('package:left-pad/index.js')).toEqual({
      error: expect.stringMatching(/'left-pad' is not a package Weft ships with; .*vega-datasets/),
    });
    expect(resolvePackagePath('package:vega-datasets/../../package.json')).toEqual({
      error: "package:vega-datasets/../../package.json: the path leaves the package 'vega-datasets'",
    });
  });

  it('are read-only sample data: readable in a confined run, never written', () => {
    const ctx = { baseDir: '/ws', paths: refuseAll };
    expect(resolveParamPath(ctx, co2, 'read')).toBe(resolveDataPath('/', co2));
    expect(() => resolveParamPath(ctx, 'data.csv', 'read')).toThrow(/outside the workspace/);
    expect(() => resolveParamPath(ctx, co2, 'write')).toThrow(/data inside a package is read-only/);
  });

  it('are read by a confined engine run (data.csv → prep.window on the CO2 series)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'weft-package-path-'));
    try {
      const doc = pipeline(
        [
          { id: 'csv', type: 'data.csv', params: { path: co2 } },
          { id: 'window', type: 'prep.window', params: { time: 'Date', values: ['CO2'], target: 'CO2' } },
        ],
        ['csv.table->window.table'],
      );
      const outcome = await createDefaultEngine(dir).run(doc, { baseDir: dir, workspace: dir, paths: refuseAll });
      if (!outcome.ok) throw new Error(JSON.stringify(outcome.validation.errors));
      expect(outcome.report.nodes.window?.error ?? outcome.report.nodes.window?.status).toBe('done');
      const data = (await outcome.load('window'))!.outputs.dataset as DatasetValue;
      expect(data.featureShape).toEqual([12, 1]);
      expect(data.series!.time.length).toBe(741);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stay as they are when a document is copied elsewhere', () => {
    const doc: PipelineDocument = {
      format: 'weft.pipeline',
      version: 2,
      metadata: {},
      nodes: [{ id: 'csv', type: 'data.csv', version: 1, params: { path: co2 }, position: { x: 0, y: 0 } }],
      edges: [],
    };
    const copied = rebaseForCopy(doc, builtinNodes, {
      from: '/a/x.weft.json',
      to: '/b/c/x.weft.json',
      workspace: '/a',
    });
    expect(copied.nodes[0].params.path).toBe(co2);
  });
});
