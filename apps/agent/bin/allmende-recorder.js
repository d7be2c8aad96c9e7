#!/usr/bin/env node
// The session recorder: sshd's ForceCommand for the cooperative's guarded logins.
import process from 'node:process';
import { runRecorder } from '../src/recorder.ts';

process.exit(await runRecorder(process.argv.slice(2)));
