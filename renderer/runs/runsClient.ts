import type { RunsChannel, RunsParams, RunsResult } from '../../core/common/protocol/runsApi';

/** What the runs view needs from the studio's transport (HTTP + WebSocket, or Electron IPC). */
export interface RunsClient {
  call<C extends RunsChannel>(channel: C, params: RunsParams<C>): Promise<RunsResult<C>>;
}
