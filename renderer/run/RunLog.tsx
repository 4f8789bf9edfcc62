import { useEffect, useRef } from 'react';
import { useStudio } from '../store/useStudio';

/** The run's log: node events and messages, newest at the bottom. */
export function RunLog() {
  const logs = useStudio((s) => s.logs);
  const end = useRef<HTMLDivElement>(null);
  useEffect(() => {
    end.current?.scrollIntoView({ block: 'end' });
  }, [logs]);
  return (
    <div className="weft-log" data-testid="run-log">
      {logs.length === 0 && <div className="weft-muted">Press Run (Ctrl+Enter) to run the pipeline.</div>}
      {logs.map((l, i) => (
        <div key={i} className={`weft-log-line level-${l.level}`}>
          <span className="weft-log-time">{new Date(l.at).toLocaleTimeString()}</span>
          {l.nodeId && <span className="weft-log-node">{l.nodeId}</span>}
          <span>{l.message}</span>
        </div>
      ))}
      <div ref={end} />
    </div>
  );
}
