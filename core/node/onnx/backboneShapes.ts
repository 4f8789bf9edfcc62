import * as ort from 'onnxruntime-node';
import type { SDim } from '../../common/model/graph/GraphBuilder';
import type { Backbone, BackboneGraph } from '../../common/model/onnx/backbone';
import { cutCandidates } from '../../common/model/onnx/backbone';
import type { DataType, ModelData } from '../../common/model/onnx/encodeModel';
import { encodeModelData } from '../../common/model/onnx/encodeModel';

const DTYPES: Readonly<Record<string, DataType>> = {
  float32: 'float32',
  float64: 'float64',
  int64: 'int64',
  int32: 'int32',
  int8: 'int8',
  uint8: 'uint8',
  bool: 'bool',
};

/** Shapes and element types of every op output of a model, batch axis marked. */
export interface TensorShapes {
  shapes: Record<string, SDim[]>;
  dtypes: Record<string, DataType>;
}

/**
 * The shape pass: runs the whole graph once with a batch of 2 and once with a batch of 3 zero rows,
 * every op output made a graph output, and marks the axes whose size follows the batch as `'batch'`.
 */
export async function measureShapes(
  model: ModelData,
  bb: Pick<BackboneGraph, 'inputName' | 'inputShape'>,
): Promise<TensorShapes> {
  const input = model.graph.inputs.find((i) => i.name === bb.inputName)!;
  const names = cutCandidates(model);
  const probe: ModelData = {
    ...model,
    graph: {
      ...model.graph,
      inputs: model.graph.inputs.map((i) => (i === input ? { ...i, shape: ['N', ...bb.inputShape] } : i)),
      outputs: names.map((name) => ({ name, dtype: 'float32' as const, shape: [], typeProto: new Uint8Array(0) })),
      valueInfo: [],
    },
  };
  const session = await ort.InferenceSession.create(encodeModelData(probe), { graphOptimizationLevel: 'disabled' });
  try {
    const per = bb.inputShape.reduce((a, c) => a * c, 1);
    const run = async (n: number) => {
      const x =
        input.dtype === 'float64'
          ? new ort.Tensor('float64', new Float64Array(n * per), [n, ...bb.inputShape])
          : new ort.Tensor('float32', new Float32Array(n * per), [n, ...bb.inputShape]);
      return session.run({ [bb.inputName]: x });
    };
    const [a, b] = [await run(2), await run(3)];
    const shapes: Record<string, SDim[]> = {};
    const dtypes: Record<string, DataType> = {};
    for (const name of names) {
      const ta = a[name];
      const tb = b[name];
      if (!ta || !tb) continue;
      shapes[name] = ta.dims.map((d, i) => (d === 2 && tb.dims[i] === 3 ? 'batch' : d));
      dtypes[name] = DTYPES[ta.type] ?? 'uint8';
      ta.dispose();
      tb.dispose();
    }
    return { shapes, dtypes };
  } finally {
    await session.release();
  }
}

/** A backbone's graph with the measured shapes of its ops' outputs. */
export function withShapes(g: BackboneGraph, s: TensorShapes): Backbone {
  const outs = g.nodes.flatMap((n) => n.outputs.filter(Boolean));
  return {
    ...g,
    shapes: Object.fromEntries(outs.map((o) => [o, s.shapes[o] ?? []])),
    dtypes: Object.fromEntries(outs.map((o) => [o, s.dtypes[o] ?? 'float32'])),
  };
}
