import { parentPort } from 'node:worker_threads';
import { checkBundle, type BundleJob } from './bundle-check.ts';

// The worker side of BundleChecker: checks bundles as they come.
parentPort?.on('message', (message: { id: number; job: BundleJob }) => {
  parentPort?.postMessage({ id: message.id, problem: checkBundle(message.job) });
});
