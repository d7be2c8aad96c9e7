import pty from '@lydell/node-pty';
import { describe, expect, it } from 'vitest';
import { TerminalInput } from '../src/terminal-input.ts';

/** A shell in a terminal of its own, as the recorder starts one. */
function shell(command: string) {
  const terminal = pty.spawn('/bin/sh', ['-c', command], { cols: 80, rows: 24, encoding: null });
  const exited = new Promise<void>((resolve) => terminal.onExit(() => resolve()));
  return { terminal, exited };
}

const lines = (bytes: number) => Buffer.alloc(bytes, 'allmende\n');

describe('the input to the shell in a terminal', () => {
  it('waits without blocking while the shell reads nothing, and drains once it reads', async () => {
    const { terminal, exited } = shell('sleep 1; cat > /dev/null');
    let drained = 0;
    const input = new TerminalInput(terminal, () => drained++);
    for (let i = 0; i < 16; i++) input.write(lines(16 * 1024));
    // The terminal took a few KiB; the rest waits here, and the event loop goes on.
    expect(input.waiting).toBeGreaterThan(128 * 1024);
    const turn = await new Promise<number>((resolve) =>
      setTimeout(() => resolve(input.waiting), 50),
    );
    expect(turn).toBeGreaterThan(128 * 1024);
    expect(drained).toBe(0);

    await expect.poll(() => input.waiting, { timeout: 10_000 }).toBe(0);
    expect(drained).toBe(1);
    terminal.kill('SIGHUP');
    await exited;
  });

  it('drops what waits when the shell exited without reading it, and takes no more', async () => {
    const { terminal, exited } = shell('sleep 0.3');
    const input = new TerminalInput(terminal, () => undefined);
    input.write(lines(256 * 1024));
    expect(input.waiting).toBeGreaterThan(0);
    await exited;
    input.close();
    expect(input.waiting).toBe(0);
    input.write(lines(1024));
    expect(input.waiting).toBe(0);
  });
});
