import type { Command } from 'commander';
import { UserError } from '../../node/executors/Executor';
import { onnxProviderChoices } from '../../common/nodes/model/onnx';
import type { ServerOptions } from '../../node/serving/modelServer';

/** Flags shared by `serve` and `serve-model`. */
export interface ServeFlags {
  port: string;
  host: string;
  apiKey?: string;
  provider: string;
  maxBody: string;
  maxBatch?: string;
  maxQueueDelayMs: string;
  threads: string;
  keys?: string;
  accessLog?: string;
  tlsCert?: string;
  tlsKey?: string;
  headerTimeout: string;
  bodyTimeout: string;
}

/** `16mb`, `512kb`, `1048576` → bytes. */
export function parseSize(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(text.trim());
  if (!m) return undefined;
  const scale = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(m[2] ?? 'b').toLowerCase() as 'b'];
  return Math.floor(Number(m[1]) * scale);
}

/** Adds the listening, key, provider and batching options to a serving command. */
export function serverFlags(command: Command): Command {
  return command
    .option('--port <n>', 'port to listen on (0 picks a free one)', '8000')
    .option('--host <address>', 'address to bind; anything but loopback needs --api-key', '127.0.0.1')
    .option('--api-key <key>', 'require this key (Authorization: Bearer <key> or x-api-key); default $WEFT_API_KEY')
    .option('--provider <p>', `execution provider: ${onnxProviderChoices.join(' | ')}`, 'auto')
    .option('--max-body <size>', 'largest request body, e.g. 16mb; larger requests get 413', '16mb')
    .option(
      '--max-batch <n>',
      'dynamic batching: stack concurrent requests up to n rows into one call; 0 turns it off (serve: also for models whose config.pbtxt asks for it)',
    )
    .option('--max-queue-delay-ms <ms>', 'dynamic batching: longest a request waits for others', '0')
    .option(
      '--threads <n>',
      'onnxruntime intra-op threads a model (spinning off); 0: one without batching, all cores but one with it',
      '0',
    )
    .option('--keys <file>', 'JSON file of hashed API keys with model scopes, permissions and rate limits')
    .option('--access-log <file>', 'append one JSON line per request (time, key id, model, version, status, latency)')
    .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate (with --tls-key)')
    .option('--tls-key <file>', 'the PEM private key for --tls-cert')
    .option('--header-timeout <ms>', 'how long a client may take to send its headers', '5000')
    .option('--body-timeout <ms>', 'how long a client may take to send a whole request', '30000');
}

/** Checks the shared flags and turns them into server options. */
export function serverOptions(flags: ServeFlags): ServerOptions {
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UserError(`--port must be 0–65535, got ${flags.port}`);
  const provider = onnxProviderChoices.find((p) => p === flags.provider);
  if (!provider)
    throw new UserError(`--provider must be one of ${onnxProviderChoices.join(', ')}, not "${flags.provider}"`);
  const maxBodyBytes = parseSize(flags.maxBody);
  if (!maxBodyBytes) throw new UserError(`--max-body must be a size such as 16mb, not "${flags.maxBody}"`);
  const maxBatch = Number(flags.maxBatch ?? 0);
  if (!Number.isInteger(maxBatch) || maxBatch < 0)
    throw new UserError(`--max-batch must be a whole number ≥ 0, not "${flags.maxBatch}"`);
  const delay = Number(flags.maxQueueDelayMs);
  if (!Number.isFinite(delay) || delay < 0 || delay > 10_000)
    throw new UserError(`--max-queue-delay-ms must be 0–10000, not "${flags.maxQueueDelayMs}"`);
  const threads = Number(flags.threads);
  if (!Number.isInteger(threads) || threads < 0 || threads > 1024)
    throw new UserError(`--threads must be a whole number 0–1024, not "${flags.threads}"`);
  const headersTimeoutMs = Number(flags.headerTimeout);
  const bodyTimeoutMs = Number(flags.bodyTimeout);
  for (const [flag, v] of [
    ['--header-timeout', headersTimeoutMs],
    ['--body-timeout', bodyTimeoutMs],
  ] as const)
    if (!Number.isInteger(v) || v < 100) throw new UserError(`${flag} must be a whole number of ms, at least 100`);
  const apiKey = flags.apiKey ?? process.env.WEFT_API_KEY;
  if (Boolean(flags.tlsCert) !== Boolean(flags.tlsKey))
    throw new UserError('--tls-cert and --tls-key go together: give both, or neither for plain HTTP');
  return {
    headersTimeoutMs,
    bodyTimeoutMs,
    ...(flags.keys ? { keysFile: flags.keys } : {}),
    ...(flags.accessLog ? { accessLog: flags.accessLog } : {}),
    ...(flags.tlsCert && flags.tlsKey ? { tls: { cert: flags.tlsCert, key: flags.tlsKey } } : {}),
    host: flags.host,
    port,
    provider,
    ...(threads ? { threads } : {}),
    maxBodyBytes,
    ...(flags.maxBatch !== undefined
      ? { batching: maxBatch > 1 ? { maxBatchSize: maxBatch, maxQueueDelayMs: delay } : (false as const) }
      : {}),
    ...(apiKey ? { apiKey } : {}),
  };
}

/** Resolves on SIGINT or SIGTERM. */
export function untilSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

export function registerServeModelCommand(program: Command): void {
  serverFlags(
    program
      .command('serve-model')
      .description(
        'serve an .onnx model over the Open Inference Protocol v2 REST API (KServe / Triton compatible), with /metrics',
      )
      .argument('<model>', 'the .onnx file')
      .option('--name <name>', 'model name in URLs (default: the file name)'),
  ).action(async (model: string, flags: ServeFlags & { name?: string }) => {
    const options = serverOptions(flags);
    const { formatShape } = await import('../../node/onnx/inspect');
    const { startModelServer } = await import('../../node/serving/modelServer');
    const server = await startModelServer({ ...options, model, ...(flags.name ? { name: flags.name } : {}) });
    for (const note of server.notes) console.error(`note: ${note}`);
    for (const t of server.info.inputs) console.log(`input  ${t.name} ${t.dtype} ${formatShape(t.shape)}`);
    for (const t of server.info.outputs) console.log(`output ${t.name} ${t.dtype} ${formatShape(t.shape)}`);
    console.log(
      `serving ${server.name} on ${server.url} (provider ${server.provider}, ${server.threads} intra-op thread${server.threads === 1 ? '' : 's'}${options.apiKey ? ', API key required' : ''})`,
    );
    console.log(`  POST ${server.url}/v2/models/${server.name}/infer   GET ${server.url}/metrics`);
    await untilSignal();
    await server.close();
  });
}
