export * from './classification';
export * from './roc';
export * from './regression';
export * from './report';
export * from './formatTable';
export * from './splitLabel';
