import type { ApiFailure } from '../api/client.ts';
import type { I18n } from '../i18n/i18n.tsx';
import type { Messages } from '../i18n/messages.ts';
import type { Problem } from '../log/verify.ts';

export function describeFailure(failure: ApiFailure, t: Messages): string {
  switch (failure.kind) {
    case 'network':
      return t.errors.network;
    case 'bad-reply':
      return t.errors.badReply;
    case 'http':
      return failure.message ?? t.errors.httpStatus(failure.status);
  }
}

/** What a problem's text needs: the messages, and the locale's numbers and dates. */
export type Wording = Pick<I18n, 't' | 'formatNumber' | 'formatDateTime'>;

export function describeProblem(problem: Problem, wording: Wording): string {
  const { t, formatDateTime } = wording;
  const p = t.entry.problems;
  switch (problem.kind) {
    case 'api':
      return describeFailure(problem.failure, t);
    case 'signature':
      return p.signature(problem.reason);
    case 'origin-mismatch':
      return p.originMismatch(problem.expected, problem.actual);
    case 'checkpoint-format':
      return p.checkpointFormat(problem.reason);
    case 'entry-missing':
      return p.entryMissing;
    case 'entry-decode':
      return p.entryDecode(problem.reason);
    case 'leaf-hash-mismatch':
      return t.entry.leafHashMismatch;
    case 'statement-mismatch':
      return t.entry.statementMismatch;
    case 'proof-mismatch':
      return p.proofMismatch;
    case 'inclusion':
      return p.inclusion(problem.reason);
    case 'key-changed':
      return p.keyChanged(formatDateTime(problem.pinnedSince));
    case 'fork':
      return describeFork(problem, wording);
    case 'unexpected':
      return p.unexpected(problem.reason);
  }
}

function describeFork(
  problem: Extract<Problem, { kind: 'fork' }>,
  { t, formatNumber, formatDateTime }: Wording,
): string {
  const p = t.entry.problems;
  const size = formatNumber(problem.size);
  const seenSize = formatNumber(problem.seen.size);
  const seenAt = formatDateTime(problem.seen.seenAt);
  switch (problem.reason.kind) {
    case 'shrunk':
      return p.forkShrunk(size, seenSize, seenAt);
    case 'root-differs':
      return p.forkRootDiffers(size, seenAt);
    case 'proof-mismatch':
      return p.forkProofMismatch(size, seenSize, seenAt);
    case 'inconsistent':
      return p.forkInconsistent(size, seenSize, seenAt, problem.reason.detail);
  }
}
