import path from 'node:path';
import { createDefaultEngine } from '../../core/node/defaultEngine';
import { RunStore } from '../../core/node/runs/RunStore';
import { RunsService } from '../../core/node/runs/RunsService';
import { EngineService } from '../../core/node/studio/EngineService';
import { ServingService } from '../../core/node/studio/ServingService';
import type { HostMessage, HostPort } from './protocol';
import { serveEngine } from './serveEngine';

interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

/** Electron's utilityProcess gives `process.parentPort`; a Node `fork` (tests) gives `process.send`. */
function hostPort(): HostPort {
  const parent = (process as { parentPort?: ParentPort }).parentPort;
  if (parent) {
    return {
      onMessage: (l) => parent.on('message', (e) => l(e.data)),
      post: (m: HostMessage) => parent.postMessage(m),
    };
  }
  if (process.send) {
    const send = process.send.bind(process);
    return { onMessage: (l) => process.on('message', l), post: (m: HostMessage) => void send(m) };
  }
  throw new Error('engine host: started without a parent to talk to');
}

const workspace = path.resolve(process.env.WEFT_WORKSPACE ?? process.cwd());
const port = hostPort();
serveEngine(port, (documentRoots) => ({
  engine: new EngineService({
    engine: createDefaultEngine(workspace),
    workspace,
    documentRoots,
    onEvent: (event) => port.post({ type: 'event', event }),
  }),
  runs: new RunsService(new RunStore(workspace)),
  serving: new ServingService({ workspace }),
}));
