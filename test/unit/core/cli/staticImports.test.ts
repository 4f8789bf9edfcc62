import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

/** The npm packages an entry loads before any `import()` runs, from esbuild's import graph. */
async function staticPackages(entry: string): Promise<Set<string>> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    format: 'esm',
    platform: 'node',
    packages: 'external',
    logLevel: 'silent',
  });
  const inputs = result.metafile.inputs;
  const seen = new Set([entry]);
  const queue = [entry];
  const packages = new Set<string>();
  while (queue.length > 0) {
    for (const i of inputs[queue.pop()!]?.imports ?? []) {
      if (i.kind !== 'import-statement') continue;
      if (i.external) {
        if (!i.path.startsWith('node:'))
          packages.add(
            i.path
              .split('/')
              .slice(0, i.path.startsWith('@') ? 2 : 1)
              .join('/'),
          );
      } else if (!seen.has(i.path)) {
        seen.add(i.path);
        queue.push(i.path);
      }
    }
  }
  return packages;
}

describe('what CLI commands load at start', () => {
  it('weft validate loads no runtime, server or image package', async () => {
    const packages = await staticPackages('core/cli/commands/validate.ts');
    for (const heavy of ['onnxruntime-node', 'fastify', 'prom-client', 'ws', 'protobufjs', '@tensorflow/tfjs', 'sharp'])
      expect(packages, heavy).not.toContain(heavy);
  });

  it('weft run loads no HTTP server', async () => {
    const packages = await staticPackages('core/cli/runInTerminal.ts');
    expect(packages).toContain('onnxruntime-node');
    for (const server of ['fastify', 'prom-client', 'ws']) expect(packages, server).not.toContain(server);
  });
});
