import { diffRuns, toListing } from '../../common/runs';
import { runsApi, type RunsChannel, type RunsParams, type RunsResult } from '../../common/protocol/runsApi';
import { StudioError } from '../studio/StudioError';
import { CorruptRunError, RunNotFoundError, type RunStore } from './RunStore';

/**
 * Answers the runs channels for one workspace's run store. The studio server and the Electron
 * engine host put their transport in front of it, as they do for EngineService.
 */
export class RunsService {
  constructor(private readonly store: RunStore) {}

  async handle<C extends RunsChannel>(channel: C, raw: unknown): Promise<RunsResult<C>> {
    const parsed = runsApi[channel].params.safeParse(raw);
    if (!parsed.success) {
      throw new StudioError(
        400,
        `${channel}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`).join('; ')}`,
      );
    }
    try {
      return (await this.dispatch(channel, parsed.data)) as RunsResult<C>;
    } catch (e) {
      if (e instanceof RunNotFoundError) throw new StudioError(404, e.message);
      if (e instanceof CorruptRunError) throw new StudioError(409, e.message);
      throw e;
    }
  }

  private async get(prefix: string) {
    return this.store.read(await this.store.resolve(prefix));
  }

  private async dispatch(channel: RunsChannel, p: Record<string, unknown>): Promise<unknown> {
    switch (channel) {
      case 'runs.list': {
        const { runs, problems } = await this.store.list();
        return { runs: runs.map(toListing), problems };
      }
      case 'runs.get':
        return this.get((p as RunsParams<'runs.get'>).id);
      case 'runs.diff': {
        const q = p as RunsParams<'runs.diff'>;
        return diffRuns(await this.get(q.a), await this.get(q.b));
      }
      case 'runs.remove': {
        const removed: string[] = [];
        for (const prefix of (p as RunsParams<'runs.remove'>).ids) {
          const id = await this.store.resolve(prefix);
          try {
            await this.store.remove(id);
          } catch (e) {
            if (e instanceof RunNotFoundError) throw e;
            throw new StudioError(409, e instanceof Error ? e.message : String(e));
          }
          removed.push(id);
        }
        return { removed };
      }
    }
  }
}
