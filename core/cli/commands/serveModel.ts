import type { Command } from 'commander';
import { UserError } from '../../node/executors/Executor';
import { onnxProviderChoices } from '../../common/nodes/model/onnx';

interface ServeFlags {
  port: string;
  host: string;
  apiKey?: string;
  name?: string;
  provider: string;
  maxBody: string;
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

export function registerServeModelCommand(program: Command): void {
  program
    .command('serve-model')
    .description(
      'serve an .onnx model over the Open Inference Protocol v2 REST API (KServe / Triton compatible), with /metrics',
    )
    .argument('<model>', 'the .onnx file')
    .option('--port <n>', 'port to listen on (0 picks a free one)', '8000')
    .option('--host <address>', 'address to bind; anything but loopback needs --api-key', '127.0.0.1')
    .option('--api-key <key>', 'require this key (Authorization: Bearer <key> or x-api-key); default $WEFT_API_KEY')
    .option('--name <name>', 'model name in URLs (default: the file name)')
    .option('--provider <p>', `execution provider: ${onnxProviderChoices.join(' | ')}`, 'auto')
    .option('--max-body <size>', 'largest request body, e.g. 16mb; larger requests get 413', '16mb')
    .option('--header-timeout <ms>', 'how long a client may take to send its headers', '5000')
    .option('--body-timeout <ms>', 'how long a client may take to send a whole request', '30000')
    .action(async (model: string, flags: ServeFlags) => {
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UserError(`--port must be 0–65535, got ${flags.port}`);
      const provider = onnxProviderChoices.find((p) => p === flags.provider);
      if (!provider)
        throw new UserError(`--provider must be one of ${onnxProviderChoices.join(', ')}, not "${flags.provider}"`);
      const maxBodyBytes = parseSize(flags.maxBody);
      if (!maxBodyBytes) throw new UserError(`--max-body must be a size such as 16mb, not "${flags.maxBody}"`);
      const headersTimeoutMs = Number(flags.headerTimeout);
      const bodyTimeoutMs = Number(flags.bodyTimeout);
      for (const [flag, v] of [
        ['--header-timeout', headersTimeoutMs],
        ['--body-timeout', bodyTimeoutMs],
      ] as const)
        if (!Number.isInteger(v) || v < 100) throw new UserError(`${flag} must be a whole number of ms, at least 100`);
      const apiKey = flags.apiKey ?? process.env.WEFT_API_KEY;
      const { formatShape } = await import('../../node/onnx/inspect');
      const { startModelServer } = await import('../../node/serving/modelServer');
      const server = await startModelServer({
        model,
        host: flags.host,
        port,
        provider,
        maxBodyBytes,
        headersTimeoutMs,
        bodyTimeoutMs,
        ...(apiKey ? { apiKey } : {}),
        ...(flags.name ? { name: flags.name } : {}),
      });
      for (const note of server.notes) console.error(`note: ${note}`);
      for (const t of server.info.inputs) console.log(`input  ${t.name} ${t.dtype} ${formatShape(t.shape)}`);
      for (const t of server.info.outputs) console.log(`output ${t.name} ${t.dtype} ${formatShape(t.shape)}`);
      console.log(
        `serving ${server.name} on ${server.url} (provider ${server.provider}${apiKey ? ', API key required' : ''})`,
      );
      console.log(`  POST ${server.url}/v2/models/${server.name}/infer   GET ${server.url}/metrics`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.close();
    });
}
