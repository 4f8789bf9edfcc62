import { z } from 'zod';

/** The `batchSize` param of every node that runs a trained model over a split. */
export const inferenceBatchSize = z
  .number()
  .int()
  .min(1)
  .max(65_536)
  .default(1024)
  .describe('Rows per inference call; larger is faster and uses more memory');
