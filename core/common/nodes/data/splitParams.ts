import { z } from 'zod';

/** Split params of the tensor readers (`data.images`, `data.npy`): train takes what is left. */
export const tensorSplitParams = z.object({
  validation: z.number().min(0).max(0.9).default(0.1).describe('Share of samples held out for validation'),
  test: z
    .number()
    .min(0)
    .max(0.9)
    .default(0.1)
    .describe('Share of samples held out for testing; ignored when test files are given'),
  stratify: z.boolean().default(true).describe('Keep class proportions in every split (classification)'),
  seed: z.number().int().default(42).describe('Seed of the split shuffle'),
});
