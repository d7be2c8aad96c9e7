import { useEffect, useRef, useState } from 'react';
import type { RulesOutcome, RulesProgress } from './rules-check.ts';
import type { RulesReply, RulesRequest } from './rules-messages.ts';
import type { CheckpointView } from './verify.ts';

export type RulesCheckState = {
  /** Set while the replay runs: how far it got. */
  progress?: RulesProgress;
  /** The last finished check, kept while a newer checkpoint is being checked. */
  outcome?: RulesOutcome;
  /** The browser cannot run the check (no Web Workers). */
  unavailable?: boolean;
};

/**
 * Replays the log up to the checkpoint shown, in a Web Worker, whenever a verified checkpoint
 * (signature, pinned key, consistent history) grows. A checkpoint with a problem is never
 * checked: its entries would prove nothing.
 */
export function useRulesCheck(checkpoint: CheckpointView | undefined): RulesCheckState {
  const [state, setState] = useState<RulesCheckState>({});
  const worker = useRef<Worker | undefined>(undefined);

  useEffect(() => {
    if (typeof Worker === 'undefined') {
      setState({ unavailable: true });
      return;
    }
    const started = new Worker(new URL('./rules.worker.ts', import.meta.url), {
      type: 'module',
      name: 'rules-check',
    });
    started.addEventListener('message', (event: MessageEvent<RulesReply>) => {
      const reply = event.data;
      setState((previous) =>
        reply.kind === 'progress'
          ? { ...previous, progress: { checked: reply.checked, total: reply.total } }
          : { outcome: reply.outcome },
      );
    });
    started.addEventListener('error', () => setState({ unavailable: true }));
    worker.current = started;
    return () => {
      started.terminate();
      worker.current = undefined;
    };
  }, []);

  const trusted = checkpoint && !checkpoint.problem && checkpoint.trust ? checkpoint : undefined;
  const size = trusted?.size;
  const rootHash = trusted?.rootHash;
  useEffect(() => {
    if (size === undefined || rootHash === undefined || size === 0 || !worker.current) return;
    const request: RulesRequest = { kind: 'check', size, rootHash };
    worker.current.postMessage(request);
    setState((previous) => {
      const done = previous.outcome?.kind === 'checked' ? previous.outcome.size : 0;
      return done === size ? previous : { ...previous, progress: { checked: done, total: size } };
    });
  }, [size, rootHash]);

  return state;
}
