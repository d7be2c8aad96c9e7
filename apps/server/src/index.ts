export {
  formatListen,
  loadConfig,
  parseListen,
  type Config,
  type ConfigOverrides,
} from './config/config.ts';
export { AppError } from './errors.ts';
export { openCooperative, startServer, type Cooperative, type RunningServer } from './server.ts';
export { readVerifierKey } from './setup/data-folder.ts';
export type { FounderInput } from './coop/coop.service.ts';
export type { Access } from './access/index.ts';
export type {
  SessionAuthority,
  SessionCertificateCheck,
  SessionDenial,
  SessionGrant,
  SessionRequest,
} from './sessions/index.ts';
