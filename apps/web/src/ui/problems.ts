import type { ApiFailure } from '../api/client.ts';
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

export function describeProblem(problem: Problem, t: Messages): string {
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
    case 'unexpected':
      return p.unexpected(problem.reason);
  }
}
