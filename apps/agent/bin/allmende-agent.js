#!/usr/bin/env node
// The host agent: enrolment, attestation, the KRL. Also reachable as `allmende agent …`.
import process from 'node:process';
import { runAgent } from '../src/main.ts';

process.exitCode = await runAgent(process.argv.slice(2));
