/**
 * A background task's failure as a JSON line on stderr, in the shape the HTTP server's logger
 * (pino) writes, so that both read alike: `{"level":50,"time":…,"msg":…}`. Only the message
 * goes out: errors here never carry a request, a cookie or a token.
 */
export function logBackgroundError(task: string, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(
    `${JSON.stringify({ level: 50, time: Date.now(), task, msg: `${task}: ${message}` })}\n`,
  );
}
