import type { z } from 'zod';
import type { inputLayerParams } from '../../../common/nodes/layer/input';
import { inputSpec } from '../../../common/nodes/layer/input';
import type { Executor } from '../Executor';

export const inputExecutor: Executor<z.output<typeof inputLayerParams>> = async ({ params }) => ({
  outputs: { model: inputSpec(params) },
});
