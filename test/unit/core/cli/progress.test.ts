import { describe, expect, it } from 'vitest';
import { createProgressRenderer } from '../../../../core/cli/progress';

function pipedStream(): { stream: NodeJS.WriteStream; text: () => string } {
  let out = '';
  const stream = {
    isTTY: false,
    write: (chunk: string) => {
      out += chunk;
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  return { stream, text: () => out };
}

describe('CLI progress lines (piped output)', () => {
  it('prints cancelled nodes as cancelled, apart from failed ones', () => {
    const { stream, text } = pipedStream();
    const p = createProgressRenderer(stream);
    p.onEvent({ type: 'node.started', runId: 'r', nodeId: 'train' });
    p.onEvent({ type: 'node.failed', runId: 'r', nodeId: 'csv', error: 'iris.csv not found' });
    p.onEvent({ type: 'node.cancelled', runId: 'r', nodeId: 'train' });
    p.onEvent({ type: 'node.cancelled', runId: 'r', nodeId: 'eval', upstream: 'train' });
    p.stop();
    expect(text().split('\n')).toEqual([
      '▶ train',
      '✗ csv: iris.csv not found',
      '■ train: cancelled',
      '■ eval: not run: upstream node train cancelled',
      '',
    ]);
  });
});
