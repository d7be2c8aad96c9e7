#!/usr/bin/env node
// The session recorder: sshd's ForceCommand for the cooperative's guarded logins.
import { statSync } from 'node:fs';
import module from 'node:module';
import { join } from 'node:path';
import process from 'node:process';
import { parseArgs } from 'node:util';

/**
 * Node's compile cache in the agent folder: the recorder's modules, stripped of their types and
 * compiled, are read back instead of made again, and a session starts in a third of the time
 * (bench/README.md). The cache is code the recorder runs, as trusted as the agent's sources: it
 * is used only by root's recorder, in a folder that root owns and nobody else may write, and
 * attested with the agent's files. Anything else, and the recorder starts without it.
 */
function useCompileCache(argv) {
  if (process.getuid?.() !== 0) return;
  let agentDir;
  try {
    const { values } = parseArgs({ args: argv, options: { 'agent-dir': { type: 'string' } } });
    // The same default as DEFAULT_AGENT_DIR (src/agent-dir.ts), which cannot be imported here:
    // importing TypeScript before the cache is on would strip it without the cache.
    agentDir = values['agent-dir'] ?? '/etc/allmende-agent';
  } catch {
    return; // runRecorder reports the bad arguments
  }
  const info = statSync(agentDir, { throwIfNoEntry: false });
  if (!info?.isDirectory() || info.uid !== 0 || (info.mode & 0o022) !== 0) return;
  module.enableCompileCache(join(agentDir, 'compile-cache'));
}

useCompileCache(process.argv.slice(2));
const { runRecorder } = await import('../src/recorder.ts');
process.exit(await runRecorder(process.argv.slice(2)));
