import { z } from 'zod';
import { defineNode } from '../NodeDefinition';

export const genSampleParams = z.object({
  mode: z
    .enum(['random', 'interpolate'])
    .default('random')
    .describe(
      'random: latent points drawn from N(0, temperature²); interpolate: evenly spaced points from the encoded row `from` to row `to`',
    ),
  count: z.number().int().min(1).max(256).default(16).describe('Images to generate'),
  columns: z
    .number()
    .int()
    .min(0)
    .max(64)
    .default(0)
    .describe('Images per row of the PNG grid written to path; 0 = a square grid'),
  temperature: z
    .number()
    .min(0)
    .max(10)
    .default(1)
    .describe('random: standard deviation of the latent draws (1 = the prior)')
    .meta({ showIf: { mode: ['random'] } }),
  seed: z.number().int().default(0).describe('Seed of the latent draws'),
  split: z
    .string()
    .min(1)
    .default('test')
    .describe('Dataset split the reconstructions and interpolation ends come from'),
  from: z
    .number()
    .int()
    .min(0)
    .default(0)
    .describe('interpolate: row of the split the path starts at (without data: a random point)')
    .meta({ showIf: { mode: ['interpolate'] } }),
  to: z
    .number()
    .int()
    .min(0)
    .default(1)
    .describe('interpolate: row of the split the path ends at (without data: a random point)')
    .meta({ showIf: { mode: ['interpolate'] } }),
  reconstructions: z
    .number()
    .int()
    .min(0)
    .max(128)
    .default(8)
    .describe('Rows of the split shown beside their reconstruction; 0 = none'),
  zoom: z.number().int().min(1).max(8).default(2).describe('Pixels per image pixel in the PNG grid written to path'),
  path: z
    .string()
    .default('')
    .describe('Optional PNG file for the generated grid (relative to the pipeline file); empty writes nothing')
    .meta({ widget: 'file', extensions: ['.png'], save: true }),
});

export const genSampleNode = defineNode({
  type: 'gen.sample',
  version: 1,
  title: 'Generate samples (VAE)',
  category: 'Generate',
  doc:
    'Decodes latent points through the decoder of a trained VAE (train.trainer with target input, a layer.sampling in the ' +
    'model) into an image grid: random draws from the prior, or a straight path between two encoded rows. With a dataset it ' +
    'also shows rows beside their reconstructions. Its encoder (features → μ) and decoder (latent → image) are trained ' +
    'models of their own, for export.onnx.',
  keywords: ['vae', 'generative', 'autoencoder', 'latent', 'decoder', 'interpolate'],
  inputs: [
    { name: 'model', type: { kind: 'TrainedModel' } },
    {
      name: 'data',
      type: { kind: 'Dataset' },
      optional: true,
      doc: 'Rows for the reconstruction view and the interpolation ends',
    },
  ],
  outputs: [
    { name: 'samples', type: { kind: 'DataPreview' }, doc: 'The generated image grid and its latent points' },
    {
      name: 'reconstructions',
      type: { kind: 'DataPreview' },
      doc: 'Input beside reconstruction, with the error per row (needs data)',
    },
    { name: 'encoder', type: { kind: 'TrainedModel' }, doc: 'Features → latent μ' },
    { name: 'decoder', type: { kind: 'TrainedModel' }, doc: 'Latent → reconstruction' },
  ],
  params: genSampleParams,
  basic: ['mode', 'count', 'seed', 'split'],
});
