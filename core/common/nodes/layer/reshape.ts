import { z } from 'zod';
import { reshape } from '../../model/graph/ops';
import { defineLayer } from './defineLayer';
import { fmt } from './layerOps';

function imageShape(n: number): number[] | undefined {
  for (const c of [1, 3]) {
    const s = Math.round(Math.sqrt(n / c));
    if (s * s * c === n) return [c, s, s];
  }
  return undefined;
}

export const reshapeNode = defineLayer({
  kind: 'reshape',
  title: 'Reshape',
  doc: 'Reshapes each sample, e.g. `1,28,28`; one entry may be -1. `image` turns [n] into a square [1, √n, √n] (or 3 channels).',
  spec: z.object({
    kind: z.literal('reshape'),
    /** Per sample; one entry may be -1. `'image'` turns `[n]` into `[1, √n, √n]` (or `[3, …]`) and keeps rank-3 inputs. */
    shape: z.union([z.array(z.number().int()).readonly(), z.literal('image')]),
  }),
  params: z.object({ shape: z.string().default('image').describe('Comma-separated sizes, or `image`') }),
  toLayer: (p) => ({
    kind: 'reshape',
    shape: p.shape.trim() === 'image' ? ('image' as const) : p.shape.split(',').map((s) => Number(s.trim())),
  }),
  infer: ({ layer, x, fail }) => {
    const n = x.reduce((a, b) => a * b, 1);
    if (layer.shape === 'image') {
      if (x.length === 3) return { outShape: [...x], params: [], buffers: [] };
      const s = imageShape(n);
      if (!s) fail('a square image: a length of c·s·s with c = 1 or 3');
      return { outShape: s!, params: [], buffers: [] };
    }
    const known = layer.shape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const out = layer.shape.map((d) => (d === -1 ? n / known : d));
    if (out.reduce((a, b) => a * b, 1) !== n || out.some((d) => !Number.isInteger(d) || d < 1)) {
      fail(`${n} elements to reshape to ${fmt([...layer.shape])}`);
    }
    return { outShape: out, params: [], buffers: [] };
  },
  emit: ({ ctx, node, x }) => reshape(ctx.b, x, ['batch', ...node.outShape]),
});
