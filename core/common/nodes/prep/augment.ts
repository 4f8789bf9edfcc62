import { z } from 'zod';
import { defineNode } from '../NodeDefinition';

export const augmentParams = z.object({
  copies: z
    .number()
    .int()
    .min(0)
    .max(50)
    .default(1)
    .describe('Augmented copies of every training image added to the training split'),
  flip: z.boolean().default(true).describe('Mirror left–right with probability 1/2'),
  rotate: z.number().min(0).max(180).default(10).describe('Largest rotation in degrees (uniform in ±rotate); 0 = none'),
  crop: z
    .number()
    .int()
    .min(0)
    .max(64)
    .default(2)
    .describe('Random crop after zero-padding by this many pixels: shifts by up to ±crop pixels; 0 = none'),
  brightness: z
    .number()
    .min(0)
    .max(1)
    .default(0.1)
    .describe('Largest brightness change (uniform in ±brightness, added); 0 = none'),
  noise: z.number().min(0).max(1).default(0).describe('Standard deviation of added Gaussian noise; 0 = none'),
  seed: z.number().int().default(42).describe('Seed of the random transforms'),
});
export type AugmentParams = z.output<typeof augmentParams>;

export const augmentNode = defineNode({
  type: 'prep.augment',
  version: 1,
  title: 'Image Augmentation',
  category: 'Preprocess',
  doc:
    'Adds randomly transformed copies of the training images (features [C, H, W]): left–right flip, rotation, ' +
    'random crop (pad and shift), brightness and Gaussian noise, seeded. Only the training split grows; validation ' +
    "and test pass through untouched. Values stay within the training images' range.",
  inputs: [{ name: 'dataset', type: { kind: 'Dataset' } }],
  outputs: [{ name: 'dataset', type: { kind: 'Dataset' } }],
  params: augmentParams,
  inferOutputs: ({ inputs }) => {
    const ds = inputs.dataset;
    if (ds?.kind === 'Dataset' && ds.featureShape && ds.featureShape.length !== 3) {
      return { error: `prep.augment needs image features [C, H, W]; the dataset has [${ds.featureShape.join(', ')}]` };
    }
    return { outputs: { dataset: ds ?? { kind: 'Dataset' } } };
  },
});
