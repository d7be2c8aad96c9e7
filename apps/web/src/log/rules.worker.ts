import { RulesChecker, fetchLogBundle, type RulesTarget } from './rules-check.ts';
import { isRulesRequest, type RulesReply } from './rules-messages.ts';

// The rules check runs here, off the page's thread: replaying thousands of statements (each
// signature checked) must not make the log page stop answering. The page sends each checkpoint
// it verified; only the newest one waiting is checked next.

// The project's types are the page's (DOM); of the worker's scope only these two are used.
const scope = self as unknown as {
  postMessage(message: RulesReply): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<unknown>) => void): void;
};
const checker = new RulesChecker(fetchLogBundle);
let waiting: RulesTarget | undefined;
let running = false;

function reply(message: RulesReply): void {
  scope.postMessage(message);
}

async function run(): Promise<void> {
  running = true;
  while (waiting) {
    const target = waiting;
    waiting = undefined;
    const outcome = await checker.advance(target, (progress) =>
      reply({ kind: 'progress', ...progress }),
    );
    reply({ kind: 'outcome', outcome });
  }
  running = false;
}

scope.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (!isRulesRequest(event.data)) return;
  waiting = { size: event.data.size, rootHash: event.data.rootHash };
  if (!running) void run();
});
