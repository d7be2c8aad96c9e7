import type { StatementType } from '@allmende/protocol';

/**
 * Every text the web app shows. `en` and `de` both have this type, so a key missing in one
 * language is a type error. Texts that take values are functions; counts and dates arrive
 * already formatted for the chosen locale. Entry indexes are names, so they are not grouped.
 */
export type Messages = {
  app: {
    skipToContent: string;
    mainNavigation: string;
    language: string;
    footer: string;
    loading: string;
    retry: string;
  };
  nav: { log: string };
  errors: {
    network: string;
    badReply: string;
    httpStatus: (status: number) => string;
  };
  log: {
    title: string;
    intro: string;
    checkpoint: string;
    origin: string;
    size: string;
    entriesCount: (formatted: string, n: number) => string;
    rootHash: string;
    signedNote: string;
    signature: string;
    signatureChecking: string;
    signatureVerified: (keyName: string) => string;
    signatureFailed: (reason: string) => string;
    checkedAt: (time: string) => string;
    logKey: string;
    keyPinnedSince: (date: string) => string;
    keyNotRemembered: string;
    knownKey: string;
    consistentWith: (size: string, date: string) => string;
    firstCheckpoint: string;
    latestEntries: string;
    entryLink: (index: string) => string;
    by: (actor: string) => string;
    byCoop: string;
    showOlder: string;
    beginningReached: string;
    showing: (shown: string, total: string) => string;
    newEntries: (n: string) => string;
    noEntries: string;
    undecodable: string;
  };
  /** The alerts when the log contradicts what this browser remembers of it. */
  trust: {
    keyChanged: string;
    keyChangedText: (date: string) => string;
    keyChangedAdvice: string;
    trustNewKey: string;
    fork: string;
    forkAdvice: string;
    evidence: string;
    seenBefore: (date: string) => string;
    servedNow: string;
  };
  chart: {
    title: string;
    description: (fromCount: string, fromTime: string, toCount: string, toTime: string) => string;
    tooFew: string;
    entriesAxis: string;
  };
  statement: {
    types: Record<StatementType, string>;
    coopActor: string;
    founded: (name: string) => string;
    fields: { name: string; origin: string; logKey: string; text: string };
  };
  entry: {
    title: (index: string) => string;
    backToLog: string;
    previous: string;
    next: string;
    neighbours: string;
    statement: string;
    type: string;
    time: string;
    actor: string;
    canonicalJson: string;
    leafHash: string;
    leafHashMismatch: string;
    statementMismatch: string;
    proof: string;
    proofExplain: string;
    proofHashes: string;
    noProofHashes: string;
    checkpointSize: (size: string) => string;
    verifying: string;
    verified: string;
    verifiedDetail: (index: string, size: string, origin: string) => string;
    failed: string;
    waitingForCheckpoint: string;
    steps: {
      fetchCheckpoint: string;
      verifySignature: string;
      checkHistory: string;
      fetchEntry: string;
      hashEntry: string;
      fetchProof: string;
      verifyInclusion: string;
    };
    stepStates: { pending: string; running: string; done: string; failed: string };
    problems: {
      signature: (reason: string) => string;
      originMismatch: (expected: string, actual: string) => string;
      checkpointFormat: (reason: string) => string;
      entryMissing: string;
      entryDecode: (reason: string) => string;
      proofMismatch: string;
      inclusion: (reason: string) => string;
      keyChanged: (date: string) => string;
      forkShrunk: (size: string, seenSize: string, date: string) => string;
      forkRootDiffers: (size: string, date: string) => string;
      forkProofMismatch: (size: string, seenSize: string, date: string) => string;
      forkInconsistent: (size: string, seenSize: string, date: string, reason: string) => string;
      unexpected: (reason: string) => string;
    };
  };
  notFound: { title: string; text: string; home: string };
};
