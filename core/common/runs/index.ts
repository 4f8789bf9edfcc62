export * from './runRecord';
export * from './diffRuns';
export * from './formatDiff';
export * from './runsTable';
