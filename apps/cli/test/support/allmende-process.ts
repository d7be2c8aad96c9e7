import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const CLI = fileURLToPath(new URL('../../bin/allmende.js', import.meta.url));

export type CommandResult = { code: number; stdout: string; stderr: string };

/** Runs `allmende ARGS…` to its end. */
export function allmende(...args: string[]): Promise<CommandResult> {
  return allmendeWith({}, ...args);
}

/**
 * Runs `allmende ARGS…` to its end as a member would, with the logins kept in `configDir` and
 * no ssh-agent: the keys are the files the arguments name.
 */
export function allmendeAs(configDir: string, ...args: string[]): Promise<CommandResult> {
  return allmendeWith({ ALLMENDE_CONFIG_DIR: configDir, SSH_AUTH_SOCK: undefined }, ...args);
}

async function allmendeWith(
  env: Record<string, string | undefined>,
  ...args: string[]
): Promise<CommandResult> {
  const merged: NodeJS.ProcessEnv = { ...process.env, ALLMENDE_DATABASE_URL: '', ...env };
  for (const [name, value] of Object.entries(merged)) if (value === undefined) delete merged[name];
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], {
      env: merged,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** A running `allmende witness serve`. */
export type WitnessProcess = {
  url: string;
  child: ChildProcess;
  /** What it wrote to stderr so far (its JSON warnings). */
  stderr(): string;
  /** SIGTERM, and waits for the exit. */
  stop(): Promise<number | null>;
};

/** Starts `allmende witness serve --data DIR --listen 127.0.0.1:0` and waits until it listens. */
export async function startWitness(dir: string): Promise<WitnessProcess> {
  const child = spawn(
    process.execPath,
    [CLI, 'witness', 'serve', '--data', dir, '--listen', '127.0.0.1:0'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = / listening on (http:\/\/\S+),/.exec(stdout);
      if (match) resolve(match[1]!);
    });
    void exited.then((code) =>
      reject(new Error(`allmende witness serve exited with ${code}: ${stderr}`)),
    );
  });
  return {
    url,
    child,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
