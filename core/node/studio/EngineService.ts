import path from 'node:path';
import {
  describeNode,
  builtinNodes,
  engineApi,
  loadDocument,
  lookup,
  rebasePathParams,
  validateGraph,
  type EngineChannel,
  type EngineEvent,
  type EngineParams,
  type EngineResult,
  type NodeRegistry,
  type NodeResultView,
  type OutputView,
  type PipelineDocument,
  type TableValue,
  type UpstreamColumns,
} from '../../common';
import { columnStats } from '../../common/nodes/data/tablePreview';
import type { Engine } from '../engine/Engine';
import type { PathPolicy } from '../executors/Executor';
import { isPackagePath } from '../../common/graph/posixPath';
import { runRecorded } from '../runs/recordedRun';
import { CorruptRunError, RunNotFoundError, RunStore } from '../runs/RunStore';
import type { RunRecord } from '../../common/runs';
import { DataViews, type ProducedValue } from './DataViews';
import { buildResultView } from './resultView';
import { StudioError } from './StudioError';
import { isInside } from './workspacePaths';

const NOT_KEPT =
  'not kept: the cache holds only a summary of this result (cheap to recompute) or removed it to make room; run again to see it';

/** A past run's previews page and explore that run's kept value (`run` in `engine.rows` / `engine.explore`). */
function ofRun(out: OutputView, run: string): OutputView {
  return out.kind === 'preview'
    ? { ...out, previews: out.previews.map((p) => (p.data ? { ...p, data: { ...p.data, run } } : p)) }
    : out;
}

/** An upstream node's run for the column pickers: its outputs, or why there are none. */
type SourceTable = { ok: false } | { ok: true; outputs?: Record<string, unknown>; error?: string };

export interface EngineServiceOptions {
  engine: Engine;
  workspace: string;
  registry?: NodeRegistry;
  /** Folders (or single files) a document's own path may be in (it sets where relative paths resolve). */
  documentRoots?: () => string[];
  /** Which files runs may read and write; everything when absent. */
  paths?: PathPolicy;
  onEvent: (event: EngineEvent) => void;
}

/**
 * Answers the engine channels for one workspace: validate, run (events go to `onEvent`), cancel,
 * and the displayable results of the last run that produced each node. The studio server and the
 * Electron engine host can both put a transport in front of it.
 */
export class EngineService {
  private readonly registry: NodeRegistry;
  private readonly produced = new Map<string, ProducedValue>();
  /** Every studio run is recorded in the workspace's run store (`weft runs`, the runs view). */
  private readonly runStore: RunStore;
  private readonly data = new DataViews((ref) =>
    ref.run ? this.recordedValue(ref.run, ref.nodeId) : Promise.resolve(this.produced.get(ref.nodeId)),
  );

  constructor(private readonly opts: EngineServiceOptions) {
    this.registry = opts.registry ?? builtinNodes;
    this.runStore = new RunStore(opts.workspace);
  }

  async handle<C extends EngineChannel>(channel: C, raw: unknown): Promise<EngineResult<C>> {
    const parsed = engineApi[channel].params.safeParse(raw);
    if (!parsed.success) {
      throw new StudioError(
        400,
        `${channel}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`).join('; ')}`,
      );
    }
    return (await this.dispatch(channel, parsed.data)) as EngineResult<C>;
  }

  private parse(input: unknown): PipelineDocument {
    const loaded = loadDocument(input, this.registry);
    if (!loaded.ok) throw new StudioError(400, `not a valid pipeline: ${loaded.errors.join('; ')}`);
    return loaded.document;
  }

  private baseDirFor(documentPath: string | undefined): string {
    const ws = this.opts.workspace;
    if (!documentPath) return ws;
    const abs = path.resolve(ws, documentPath);
    const roots = [ws, ...(this.opts.documentRoots?.() ?? [])];
    if (!roots.some((r) => isInside(r, abs)))
      throw new StudioError(403, `${documentPath} is not a document this studio opened`);
    return path.dirname(abs);
  }

  /**
   * A document opened from outside the workspace (a read-only example) reads its files where it lives
   * but writes its outputs into the workspace, never beside itself.
   */
  private outsideWorkspace(doc: PipelineDocument, baseDir: string): { doc: PipelineDocument; baseDir: string } {
    const ws = this.opts.workspace;
    if (isInside(ws, baseDir)) return { doc, baseDir };
    const rebased = rebasePathParams(doc, this.registry, (v, param) =>
      param.save ? path.resolve(ws, v) : isPackagePath(v) ? v : path.resolve(baseDir, v),
    );
    return { doc: rebased, baseDir: ws };
  }

  private async dispatch(channel: EngineChannel, p: Record<string, unknown>): Promise<unknown> {
    switch (channel) {
      case 'engine.nodes':
        return Object.values(this.registry).map((d) => describeNode(d));
      case 'engine.validate': {
        const loaded = loadDocument((p as EngineParams<'engine.validate'>).document, this.registry);
        if (!loaded.ok) return { ok: false, documentErrors: loaded.errors };
        return validateGraph(loaded.document, this.registry);
      }
      case 'engine.run':
        return this.run(p as EngineParams<'engine.run'>);
      case 'engine.cancel':
        return { cancelled: this.opts.engine.cancel((p as EngineParams<'engine.cancel'>).runId) };
      case 'engine.columns':
        return this.columns(p as EngineParams<'engine.columns'>);
      case 'engine.columnsBatch':
        return this.columnsBatch(p as EngineParams<'engine.columnsBatch'>);
      case 'engine.rows':
        return this.data.rows(p as EngineParams<'engine.rows'>);
      case 'engine.explore':
        return this.data.explore(p as EngineParams<'engine.explore'>);
      case 'engine.result': {
        const q = p as EngineParams<'engine.result'>;
        const got = this.produced.get(q.nodeId);
        const value = got && (await got.load());
        if (!got || !value) return null;
        const def = this.nodeDefinition(q.nodeId);
        return buildResultView(q.nodeId, got.runId, def, value, q.maxRows ?? 1000);
      }
      case 'engine.runResult':
        return this.pastResult(p as EngineParams<'engine.runResult'>);
    }
  }

  /**
   * A node's results in a recorded run: the value the cache kept under the record's key for the
   * node, or, when it kept only a summary (or removed the entry), the recorded summary and why.
   */
  private async pastResult(p: EngineParams<'engine.runResult'>): Promise<NodeResultView | null> {
    const { record, node } = await this.recordedNode(p.runId, p.nodeId);
    if (!node) return null;
    const value = node.key ? await this.opts.engine.stored(node.key) : undefined;
    if (!value) {
      const summary = node.summary;
      return { nodeId: p.nodeId, runId: record.id, ...(summary ? { summary } : {}), outputs: [], notKept: NOT_KEPT };
    }
    const view = buildResultView(p.nodeId, record.id, lookup(this.registry, node.type), value, p.maxRows ?? 1000);
    return { ...view, outputs: view.outputs.map((o) => ofRun(o, record.id)) };
  }

  /** A recorded run and its node, when that node finished in it. */
  private async recordedNode(
    runId: string,
    nodeId: string,
  ): Promise<{ record: RunRecord; node: RunRecord['nodes'][string] | undefined }> {
    let record: RunRecord;
    try {
      record = await this.runStore.read(await this.runStore.resolve(runId));
    } catch (e) {
      if (e instanceof RunNotFoundError) throw new StudioError(404, e.message);
      if (e instanceof CorruptRunError) throw new StudioError(409, e.message);
      throw e;
    }
    const node = Object.hasOwn(record.nodes, nodeId) ? record.nodes[nodeId] : undefined;
    const finished = node && (node.status === 'done' || node.status === 'cached');
    return { record, node: finished ? node : undefined };
  }

  /** A recorded run's node value for the data views: only what the cache kept, never recomputed. */
  private async recordedValue(runId: string, nodeId: string): Promise<ProducedValue | undefined> {
    const { record, node } = await this.recordedNode(runId, nodeId);
    const key = node?.key;
    if (!key) return undefined;
    return { runId: record.id, load: () => this.opts.engine.stored(key) };
  }

  private readonly nodeTypes = new Map<string, string>();

  private nodeDefinition(nodeId: string) {
    const type = this.nodeTypes.get(nodeId);
    return type ? lookup(this.registry, type) : undefined;
  }

  private async columns(p: EngineParams<'engine.columns'>): Promise<UpstreamColumns> {
    const { doc, baseDir } = this.outsideWorkspace(this.parse(p.document), this.baseDirFor(p.documentPath));
    return this.columnsOf(doc, baseDir, p.nodeId, new Map());
  }

  /** The document parsed once; each upstream node run once, however many of `nodeIds` read its table. */
  private async columnsBatch(p: EngineParams<'engine.columnsBatch'>): Promise<UpstreamColumns[]> {
    const { doc, baseDir } = this.outsideWorkspace(this.parse(p.document), this.baseDirFor(p.documentPath));
    const sources = new Map<string, Promise<SourceTable>>();
    const out: UpstreamColumns[] = [];
    for (const id of p.nodeIds) {
      try {
        out.push(await this.columnsOf(doc, baseDir, id, sources));
      } catch (e) {
        out.push({ ok: false, reason: e instanceof Error ? e.message : String(e) });
      }
    }
    return out;
  }

  /** The columns flowing into `nodeId`'s first connected table input; `sources` remembers each upstream run. */
  private async columnsOf(
    doc: PipelineDocument,
    baseDir: string,
    nodeId: string,
    sources: Map<string, Promise<SourceTable>>,
  ): Promise<UpstreamColumns> {
    const node = doc.nodes.find((n) => n.id === nodeId);
    const def = node && lookup(this.registry, node.type);
    if (!node || !def) return { ok: false, reason: `no node ${nodeId}` };
    const tableInputs = def.inputs.filter((i) => i.type.kind === 'Table').map((i) => i.name);
    const edge = tableInputs
      .map((port) => doc.edges.find((e) => e.target.node === nodeId && e.target.port === port))
      .find((e) => e !== undefined);
    if (!edge) return { ok: false, reason: 'connect a table to this node to choose its columns' };
    let source = sources.get(edge.source.node);
    if (!source) {
      source = this.runSource(doc, baseDir, edge.source.node);
      sources.set(edge.source.node, source);
    }
    const got = await source;
    if (!got.ok) return { ok: false, reason: 'fix the upstream nodes first' };
    const value = got.outputs?.[edge.source.port] as TableValue | undefined;
    if (!value || !Array.isArray(value.columns))
      return { ok: false, reason: got.error ?? 'the upstream table could not be read' };
    return {
      ok: true,
      columns: value.columns.map((c) => {
        const { name, type, count, missing } = columnStats(c);
        return { name, type, count, missing };
      }),
    };
  }

  /** Runs `nodeId` and its ancestors (cached, not recorded) for its outputs. */
  private async runSource(doc: PipelineDocument, baseDir: string, nodeId: string): Promise<SourceTable> {
    const outcome = await this.opts.engine.run(doc, {
      only: nodeId,
      baseDir,
      workspace: this.opts.workspace,
      ...(this.opts.paths ? { paths: this.opts.paths } : {}),
    });
    if (!outcome.ok) return { ok: false };
    const error = outcome.report.nodes[nodeId]?.error;
    const outputs = (await outcome.load(nodeId))?.outputs;
    return { ok: true, ...(outputs ? { outputs } : {}), ...(error !== undefined ? { error } : {}) };
  }

  private async run(p: EngineParams<'engine.run'>): Promise<EngineResult<'engine.run'>> {
    const { doc, baseDir } = this.outsideWorkspace(this.parse(p.document), this.baseDirFor(p.documentPath));
    const { outcome } = await runRecorded(this.opts.engine, doc, {
      store: this.runStore,
      registry: this.registry,
      ...(p.documentPath ? { file: path.resolve(this.opts.workspace, p.documentPath) } : {}),
      onRecordError: (e) => console.warn(`run not recorded: ${e instanceof Error ? e.message : String(e)}`),
      ...(p.only ? { only: p.only } : {}),
      ...(p.noCache ? { noCache: true } : {}),
      ...(p.runId ? { runId: p.runId } : {}),
      baseDir,
      workspace: this.opts.workspace,
      ...(this.opts.paths ? { paths: this.opts.paths } : {}),
      onEvent: this.opts.onEvent,
    });
    if (!outcome.ok) return { ok: false, validation: outcome.validation };
    const { report, load } = outcome;
    for (const n of doc.nodes) this.nodeTypes.set(n.id, n.type);
    for (const [nodeId, r] of Object.entries(report.nodes)) {
      if (r.status === 'done' || r.status === 'cached')
        this.produced.set(nodeId, { runId: report.runId, load: () => load(nodeId) });
      else this.produced.delete(nodeId);
    }
    return { ok: true, report };
  }
}
