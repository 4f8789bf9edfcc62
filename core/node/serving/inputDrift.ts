/**
 * Input drift per feature: a running mean and standard deviation (Welford) of every numeric
 * input column the server sees, per model and version, exported as Prometheus gauges at scrape
 * time. Where a Weft export's model card holds the training mean and std of a column (its
 * standardize transform), the shift of the live mean in training standard deviations is exported
 * too. Where the card holds the column's training distribution in bins (`trainingProfile`, written
 * when the export was given its training data), live values are counted in the same bins and a
 * population stability index against the training fractions is exported.
 */
import type * as ort from 'onnxruntime-node';
import { Gauge, type Registry } from 'prom-client';
import { binOf, psi, type FeatureProfile } from '../../common/featureProfile';
import { metadataJson } from '../onnx/inspect';
import type { ServedVersion } from './servedVersion';

const MAX_COLUMNS = 256;

interface Column {
  input: string;
  feature: string;
  n: number;
  missing: number;
  mean: number;
  m2: number;
  train?: { mean: number; std: number };
  /** The training bins and the live counts in them. */
  bins?: { edges: number[]; fractions: number[]; counts: number[] };
}

interface Card {
  transforms?: { kind: string; column?: string; mean?: number; std?: number }[];
  trainingProfile?: FeatureProfile[];
}

/** Running per-feature statistics of live inputs. */
export class InputDrift {
  private readonly stats = new Map<
    string,
    { model: string; version: string; columns: Map<string, Column>; byInput: Map<string, Column[]> }
  >();

  constructor(registry: Registry) {
    const labelNames = ['model', 'version', 'input', 'feature'] as const;
    const each = (set: (c: Column) => number | undefined) =>
      function (this: Gauge<(typeof labelNames)[number]>): void {
        this.reset();
        for (const s of stats.values())
          for (const c of s.columns.values()) {
            const v = set(c);
            if (v !== undefined && Number.isFinite(v))
              this.set({ model: s.model, version: s.version, input: c.input, feature: c.feature }, v);
          }
      };
    const stats = this.stats;
    const gauge = (name: string, help: string, value: (c: Column) => number | undefined): void =>
      void new Gauge({ name, help, labelNames, registers: [registry], collect: each(value) });
    gauge('weft_input_feature_mean', 'Running mean of a numeric input column over live requests', (c) =>
      c.n ? c.mean : undefined,
    );
    gauge('weft_input_feature_std', 'Running standard deviation of a numeric input column over live requests', (c) =>
      c.n > 1 ? Math.sqrt(c.m2 / (c.n - 1)) : undefined,
    );
    gauge('weft_input_feature_values', 'Non-missing values seen in a numeric input column', (c) => c.n);
    gauge('weft_input_feature_missing', 'Missing (NaN) values seen in a numeric input column', (c) => c.missing);
    gauge(
      'weft_input_feature_mean_shift',
      "(live mean − training mean) / training std, where the model card holds the column's training statistics",
      (c) => (c.train && c.n && c.train.std > 0 ? (c.mean - c.train.mean) / c.train.std : undefined),
    );
    gauge(
      'weft_input_feature_psi',
      "Population stability index of live values against the training distribution in the model card's deciles (> 0.25: a large shift)",
      (c) => (c.bins ? psi(c.bins.fractions, c.bins.counts) : undefined),
    );
  }

  /** The watched columns of each input, by position. */
  private columnsFor(model: string, served: ServedVersion): Map<string, Column[]> {
    const key = `${model}\u0000${served.version}`;
    let s = this.stats.get(key);
    if (!s) {
      s = { model, version: String(served.version), columns: new Map(), byInput: new Map() };
      this.stats.set(key, s);
      const layout = metadataJson<{ inputs?: { name: string; columns?: string[] }[] }>(served.info, 'weft.io');
      const card = metadataJson<Card>(served.info, 'weft.model_card');
      const train = new Map(
        (card?.transforms ?? [])
          .filter((t) => t.kind === 'standardize' && t.column !== undefined)
          .map((t) => [t.column as string, { mean: Number(t.mean), std: Number(t.std) }]),
      );
      const profiles = new Map((card?.trainingProfile ?? []).map((p) => [p.column, p]));
      for (const input of served.info.inputs) {
        if (input.dtype !== 'float32' && input.dtype !== 'float64') continue;
        const width = typeof input.shape?.[1] === 'number' ? input.shape[1] : input.shape?.length === 1 ? 1 : 0;
        const names = layout?.inputs?.find((i) => i.name === input.name)?.columns;
        const byPosition: Column[] = [];
        for (let j = 0; j < Math.min(width, MAX_COLUMNS); j++) {
          const feature = names?.[j] ?? String(j);
          const t = train.get(feature);
          const p = profiles.get(feature);
          const column: Column = {
            input: input.name,
            feature,
            n: 0,
            missing: 0,
            mean: 0,
            m2: 0,
            ...(t ? { train: t } : {}),
            ...(p && p.fractions.length === p.edges.length + 1
              ? { bins: { edges: p.edges, fractions: p.fractions, counts: p.fractions.map(() => 0) } }
              : {}),
          };
          s.columns.set(`${input.name}\u0000${j}`, column);
          byPosition.push(column);
        }
        if (byPosition.length) s.byInput.set(input.name, byPosition);
      }
    }
    return s.byInput;
  }

  /** Adds one request's inputs to the statistics. */
  observe(model: string, served: ServedVersion, feeds: Record<string, ort.Tensor>): void {
    const byInput = this.columnsFor(model, served);
    if (!byInput.size) return;
    for (const name in feeds) {
      const columns = byInput.get(name);
      const t = feeds[name];
      if (!columns || (t.type !== 'float32' && t.type !== 'float64')) continue;
      const width = t.dims.length === 2 ? t.dims[1] : t.dims.length === 1 ? 1 : 0;
      const data = t.data as Float32Array | Float64Array;
      for (let j = 0; j < Math.min(width, columns.length); j++) {
        const c = columns[j];
        for (let i = j; i < data.length; i += width) {
          const v = data[i];
          if (Number.isNaN(v)) {
            c.missing++;
            continue;
          }
          c.n++;
          if (c.bins) c.bins.counts[binOf(c.bins.edges, v)]++;
          const d = v - c.mean;
          c.mean += d / c.n;
          c.m2 += d * (v - c.mean);
        }
      }
    }
  }
}
