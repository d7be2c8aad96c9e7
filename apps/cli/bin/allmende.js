#!/usr/bin/env node
// The `allmende` command. Node 24 runs the TypeScript sources directly (type stripping).
import process from 'node:process';
import { main } from '../src/main.ts';

process.exitCode = await main(process.argv.slice(2));
