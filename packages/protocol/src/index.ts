export * from './age.ts';
export * from './coop.ts';
export * from './coop-api.ts';
export * from './canonical-json.ts';
export * from './errors.ts';
export * from './log-api.ts';
export * from './statement.ts';
