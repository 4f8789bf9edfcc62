import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AnyNodeDefinition } from '../../../../core/common/nodes/NodeDefinition';
import { layerNodes } from '../../../../core/common/nodes/layer';
import { builtinNodes } from '../../../../core/common/nodes/registry';
import type { Executor, ExecutorsFor } from '../../../../core/node/executors/Executor';
import { builtinExecutors } from '../../../../core/node/executors/index';

type BuiltinExecutors = ExecutorsFor<typeof builtinNodes>;

const root = process.cwd();
const nodesDir = path.join(root, 'core/common/nodes');
const executorsDir = path.join(root, 'core/node/executors');
const types = Object.keys(builtinNodes);

/** Layer kinds (core/common/nodes/layer/index.ts) share one executor, derived from the layer table. */
const derivedExecutors = new Set<string>(Object.keys(layerNodes));

function split(type: string): { cat: string; name: string } {
  const dot = type.indexOf('.');
  return { cat: type.slice(0, dot), name: type.slice(dot + 1) };
}

async function exportsOf(file: string): Promise<unknown[]> {
  return Object.values((await import(file)) as Record<string, unknown>);
}

function isNodeDefinition(v: unknown): v is AnyNodeDefinition {
  if (typeof v !== 'object' || v === null) return false;
  const d = v as Partial<AnyNodeDefinition>;
  return typeof d.type === 'string' && typeof d.version === 'number' && Array.isArray(d.outputs) && !!d.params;
}

describe('the node and executor registries', () => {
  it('key every definition by its own type, spelled cat.name (the issue fixes ml.naive_bayes, so names may hold _)', () => {
    for (const [key, def] of Object.entries(builtinNodes)) {
      expect(def.type, key).toBe(key);
      expect(key).toMatch(/^[a-z]+\.[a-z0-9_]+$/);
    }
  });

  it('have exactly the same keys', () => {
    expect(Object.keys(builtinExecutors).sort()).toEqual([...types].sort());
    for (const t of types) expect(typeof builtinExecutors[t as keyof typeof builtinExecutors], t).toBe('function');
  });

  it('define each node type in core/common/nodes/<cat>/<name>.ts', async () => {
    for (const type of types) {
      const { cat, name } = split(type);
      const file = path.join(nodesDir, cat, `${name}.ts`);
      expect(existsSync(file), `${type} → ${path.relative(root, file)}`).toBe(true);
      expect(await exportsOf(file), `${path.relative(root, file)} exports ${type}`).toContain(
        builtinNodes[type as keyof typeof builtinNodes],
      );
    }
  });

  it('execute each node type in core/node/executors/<cat>/<name>.ts', async () => {
    for (const type of types) {
      const { cat, name } = split(type);
      if (derivedExecutors.has(type)) continue;
      const file = path.join(executorsDir, cat, `${name}.ts`);
      expect(existsSync(file), `${type} → ${path.relative(root, file)}`).toBe(true);
      expect(await exportsOf(file), `${path.relative(root, file)} exports the executor of ${type}`).toContain(
        builtinExecutors[type as keyof typeof builtinExecutors],
      );
    }
  });

  it('register every node definition found in the category folders, under its file name', async () => {
    const categories = readdirSync(nodesDir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    const found: string[] = [];
    for (const cat of categories) {
      for (const file of readdirSync(path.join(nodesDir, cat)).filter((f) => f.endsWith('.ts'))) {
        for (const v of (await exportsOf(path.join(nodesDir, cat, file))).filter(isNodeDefinition)) {
          expect(v.type, `${cat}/${file}`).toBe(`${cat}.${file.slice(0, -3)}`);
          expect(builtinNodes[v.type as keyof typeof builtinNodes], `${v.type} is registered`).toBe(v);
          found.push(v.type);
        }
      }
    }
    expect(found.length).toBe(types.length);
  });

  it('are checked by the compiler (tsc reports an unused @ts-expect-error if a check stops working)', () => {
    const { 'data.csv': csv, ...withoutCsv } = builtinExecutors;
    const stringSeed: Executor<{ seed: string }> = async ({ params }) => ({ outputs: { seed: params.seed } });
    const refused = [
      // @ts-expect-error a registered node type without an executor
      withoutCsv satisfies BuiltinExecutors,
      // @ts-expect-error an executor for a node type that is not registered
      { ...builtinExecutors, 'data.parquet': csv } satisfies BuiltinExecutors,
      // @ts-expect-error an executor whose params differ from its definition's zod output
      { ...builtinExecutors, 'prep.shuffle': stringSeed } satisfies BuiltinExecutors,
    ];
    expect(refused.map((r) => Object.keys(r).length)).toEqual([types.length - 1, types.length + 1, types.length]);
  });
});
