/** Element types a tensor or a table column can carry. */
export type DType = 'float32' | 'float64' | 'int32' | 'int64' | 'uint8' | 'bool' | 'string';

/** A tensor dimension: a fixed size, a named dynamic dimension (e.g. `"batch"`), or unknown (`null`). */
export type Dim = number | string | null;

/** Column types inferred by readers. */
export type ColumnType = 'integer' | 'number' | 'boolean' | 'category' | 'text' | 'date';

export interface ColumnSchema {
  name: string;
  type: ColumnType;
}

/** Structured port types. `canConnect` decides whether an output may feed an input. */
export type PortType =
  | { kind: 'Table'; columns?: ColumnSchema[] }
  | { kind: 'Tensor'; dtype?: DType; shape?: readonly Dim[] }
  | {
      kind: 'Dataset';
      /** Shape of one sample's features, without the batch dimension. */
      featureShape?: readonly Dim[];
      /** The raw feature columns, when known at design time (prep.split with its features listed). */
      featureColumns?: readonly string[];
      task?: 'classification' | 'regression';
      classNames?: string[];
      splits?: string[];
    }
  | { kind: 'ModelSpec'; inputShape?: readonly Dim[]; outputShape?: readonly Dim[] }
  | { kind: 'TrainedModel'; inputShape?: readonly Dim[]; outputShape?: readonly Dim[] }
  /** An unfitted classical learner (type, params, seed) that comparison and search nodes fit again. */
  | { kind: 'Learner'; learner?: string; task?: 'classification' | 'regression' }
  | { kind: 'Metrics' }
  | { kind: 'Predictions' }
  | { kind: 'DataPreview' }
  | { kind: 'File'; extensions?: string[] };

export type PortKind = PortType['kind'];

export function formatDims(shape: readonly Dim[] | undefined): string {
  if (!shape) return '[?]';
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

/** Spells a port type out for error messages, e.g. `Tensor<float32, [batch, 784]>`. */
export function formatPortType(t: PortType): string {
  switch (t.kind) {
    case 'Tensor':
      return `Tensor<${t.dtype ?? 'any'}, ${formatDims(t.shape)}>`;
    case 'Dataset': {
      const parts = [formatDims(t.featureShape)];
      if (t.task) parts.push(t.task);
      if (t.classNames) parts.push(`${t.classNames.length} classes`);
      return `Dataset<${parts.join(', ')}>`;
    }
    case 'ModelSpec':
    case 'TrainedModel':
      return `${t.kind}<${formatDims(t.inputShape)} → ${formatDims(t.outputShape)}>`;
    case 'Table':
      return t.columns ? `Table<${t.columns.map((c) => `${c.name}:${c.type}`).join(', ')}>` : 'Table';
    case 'File':
      return t.extensions ? `File<${t.extensions.join('|')}>` : 'File';
    case 'Learner':
      return `Learner<${[t.learner ?? 'any', ...(t.task ? [t.task] : [])].join(', ')}>`;
    default:
      return t.kind;
  }
}

/** Whether two dimensions can be the same size. Dynamic and unknown dimensions match anything. */
export function dimsCompatible(a: Dim, b: Dim): boolean {
  return typeof a !== 'number' || typeof b !== 'number' || a === b;
}

export function shapesCompatible(a: readonly Dim[] | undefined, b: readonly Dim[] | undefined): boolean {
  if (!a || !b) return true;
  if (a.length !== b.length) return false;
  return a.every((d, i) => dimsCompatible(d, b[i] ?? null));
}

export type ConnectResult = { ok: true } | { ok: false; reason: string };

/**
 * The one rule for wiring: the canvas calls it while dragging, the validator before running.
 * `from` is the producing output's type, `to` the consuming input's.
 */
export function canConnect(from: PortType, to: PortType): ConnectResult {
  const refuse = (why: string): ConnectResult => ({
    ok: false,
    reason: `${formatPortType(from)} cannot feed ${formatPortType(to)}: ${why}`,
  });
  if (from.kind !== to.kind) return refuse(`a ${from.kind} output needs a ${from.kind} input`);
  switch (to.kind) {
    case 'Tensor': {
      const f = from as Extract<PortType, { kind: 'Tensor' }>;
      if (f.dtype && to.dtype && f.dtype !== to.dtype) return refuse(`dtype ${f.dtype} ≠ ${to.dtype}`);
      if (!shapesCompatible(f.shape, to.shape)) return refuse('shapes differ');
      return { ok: true };
    }
    case 'Dataset': {
      const f = from as Extract<PortType, { kind: 'Dataset' }>;
      if (!shapesCompatible(f.featureShape, to.featureShape)) return refuse('feature shapes differ');
      if (f.task && to.task && f.task !== to.task) return refuse(`task ${f.task} ≠ ${to.task}`);
      return { ok: true };
    }
    case 'ModelSpec':
    case 'TrainedModel': {
      const f = from as Extract<PortType, { kind: 'ModelSpec' | 'TrainedModel' }>;
      if (!shapesCompatible(f.inputShape, to.inputShape)) return refuse('input shapes differ');
      return { ok: true };
    }
    case 'Learner': {
      const f = from as Extract<PortType, { kind: 'Learner' }>;
      if (f.task && to.task && f.task !== to.task) return refuse(`task ${f.task} ≠ ${to.task}`);
      return { ok: true };
    }
    case 'File': {
      const f = from as Extract<PortType, { kind: 'File' }>;
      if (f.extensions && to.extensions && !f.extensions.some((e) => to.extensions?.includes(e))) {
        return refuse('file types differ');
      }
      return { ok: true };
    }
    default:
      return { ok: true };
  }
}
