import type { Command } from 'commander';
import { UserError } from '../../node/executors/Executor';
import { serverFlags, serverOptions, untilSignal, type ServeFlags } from './serveModel';

export function registerServeCommand(program: Command): void {
  serverFlags(
    program
      .command('serve')
      .description(
        "serve a model repository in Triton's layout (<name>/config.pbtxt, <name>/<version>/model.onnx) over the Open Inference Protocol v2 REST API, loading new versions as they appear",
      )
      .argument('<repository>', 'the repository folder')
      .option('--poll <seconds>', 'rescan the folder for new or changed versions this often (0 = never)', '2'),
  ).action(async (repository: string, flags: ServeFlags & { poll: string }) => {
    const options = serverOptions(flags);
    const poll = Number(flags.poll);
    if (!Number.isFinite(poll) || poll < 0)
      throw new UserError(`--poll must be a number of seconds ≥ 0, not "${flags.poll}"`);
    const { startRepositoryServer } = await import('../../node/serving/modelServer');
    const server = await startRepositoryServer({
      ...options,
      repository,
      pollMs: Math.round(poll * 1000),
      log: (m) => console.error(`weft serve: ${m}`),
    });
    for (const e of server.repository.index())
      console.log(
        `model ${e.name}${e.version ? ` version ${e.version}` : ''}: ${e.state}${e.reason ? ` (${e.reason})` : ''}`,
      );
    console.log(`serving ${repository} on ${server.url}${options.apiKey ? ' (API key required)' : ''}`);
    console.log(
      `  POST ${server.url}/v2/models/<name>/infer   POST ${server.url}/v2/repository/index   GET ${server.url}/metrics`,
    );
    await untilSignal();
    await server.close();
  });
}
