import type { Messages } from './messages.ts';

export const en: Messages = {
  app: {
    skipToContent: 'Skip to content',
    mainNavigation: 'Main',
    language: 'Language',
    footer:
      'This log is public and append-only. The checks on these pages run in your own browser, so you need not trust the server.',
    loading: 'Loading…',
    retry: 'Try again',
  },
  nav: { log: 'Log' },
  errors: {
    network: 'The server cannot be reached. Check your connection and try again.',
    badReply: 'The server sent a reply that this app does not understand.',
    httpStatus: (status) => `The server answered with status ${status}.`,
  },
  log: {
    title: 'Public log',
    intro:
      'Every act of the cooperative that needs oversight is written to this log. Entries cannot be changed or removed afterwards, and anyone can check that.',
    checkpoint: 'Current checkpoint',
    origin: 'Origin',
    size: 'Size',
    entriesCount: (formatted, n) => `${formatted} ${n === 1 ? 'entry' : 'entries'}`,
    rootHash: 'Root hash',
    signedNote: 'Signed note',
    signature: 'Signature',
    signatureChecking: 'Checking the signature…',
    signatureVerified: (keyName) => `Verified in your browser with the log key “${keyName}”`,
    signatureFailed: (reason) => `Not verified. ${reason}`,
    checkedAt: (time) => `Last checked at ${time}. Updates every few seconds.`,
    logKey: 'Log key',
    keyPinnedSince: (date) => `Key pinned in this browser since ${date}.`,
    keyNotRemembered: 'This browser cannot store the key, so it is only checked during this visit.',
    knownKey: 'Key this browser knows for the log',
    consistentWith: (size, date) =>
      `Consistent with the checkpoint of size ${size} this browser saw on ${date}.`,
    firstCheckpoint: 'The first checkpoint of this log that this browser has seen.',
    latestEntries: 'Latest entries',
    entryLink: (index) => `Entry ${index}`,
    by: (actor) => `by ${actor}`,
    byCoop: 'by the cooperative',
    showOlder: 'Show older entries',
    beginningReached: 'You have reached the beginning of the log.',
    showing: (shown, total) => `Showing ${shown} of ${total} entries.`,
    newEntries: (n) => `${n} new ${n === '1' ? 'entry' : 'entries'} in the log.`,
    noEntries: 'The log has no entries yet.',
    undecodable: 'This entry cannot be decoded.',
  },
  trust: {
    keyChanged: 'The log’s key has changed',
    keyChangedText: (date) =>
      `Since ${date} this browser has known this log by a different key. Either the server now presents a different log, or the log’s key was replaced. Until you know which, do not trust what this page shows.`,
    keyChangedAdvice:
      'Trust the new key only if the cooperative has announced the change in a way you trust.',
    trustNewKey: 'Trust the new key',
    fork: 'The log has rewritten its history',
    forkAdvice:
      'A public log may only grow. This server now shows a history that contradicts a checkpoint it signed before: the most serious fault this page can find. Tell the cooperative’s oversight, and keep the two signed checkpoints below as evidence.',
    evidence: 'The two signed checkpoints',
    seenBefore: (date) => `Seen by this browser on ${date}`,
    servedNow: 'Served now',
  },
  chart: {
    title: 'Growth of the log',
    description: (fromCount, fromTime, toCount, toTime) =>
      `The log grew from ${fromCount} entries on ${fromTime} to ${toCount} entries on ${toTime}.`,
    tooFew: 'The chart appears once the loaded entries span more than one moment.',
    entriesAxis: 'Entries',
  },
  statement: {
    types: { 'coop.founded': 'Cooperative founded', notice: 'Notice' },
    coopActor: 'the cooperative',
    founded: (name) => `${name} was founded.`,
    fields: { name: 'Name', origin: 'Log origin', logKey: 'Log key', text: 'Text' },
  },
  entry: {
    title: (index) => `Entry ${index}`,
    backToLog: 'Back to the log',
    previous: 'Previous entry',
    next: 'Next entry',
    neighbours: 'Neighbouring entries',
    statement: 'Statement',
    type: 'Type',
    time: 'Time',
    actor: 'Actor',
    canonicalJson: 'Canonical JSON (RFC 8785), exactly as logged',
    leafHash: 'Leaf hash',
    leafHashMismatch: 'The leaf hash the server reported differs from the hash of the entry.',
    statementMismatch: 'The server’s decoded statement differs from the entry’s own bytes.',
    proof: 'Inclusion proof',
    proofExplain:
      'Your browser checks that this entry is part of the log that the server has signed, without trusting the server.',
    proofHashes: 'Proof hashes',
    noProofHashes: 'None: the entry is the whole tree.',
    checkpointSize: (size) => `Checked against the checkpoint of size ${size}.`,
    verifying: 'Checking…',
    verified: 'Verified',
    verifiedDetail: (index, size, origin) =>
      `Entry ${index} is included in the checkpoint of size ${size} signed for ${origin}.`,
    failed: 'Verification failed',
    waitingForCheckpoint:
      'The entry is newer than the checkpoint. Waiting for the next checkpoint…',
    steps: {
      fetchCheckpoint: 'Fetch the current checkpoint',
      verifySignature: 'Check the checkpoint’s signature',
      checkHistory: 'Compare with the checkpoint this browser saw before',
      fetchEntry: 'Fetch the entry',
      hashEntry: 'Compute the entry’s leaf hash',
      fetchProof: 'Fetch the inclusion proof',
      verifyInclusion: 'Check the proof against the checkpoint’s root hash',
    },
    stepStates: { pending: 'waiting', running: 'in progress', done: 'done', failed: 'failed' },
    problems: {
      signature: (reason) => `The checkpoint’s signature is not valid: ${reason}`,
      originMismatch: (expected, actual) =>
        `The checkpoint is for “${actual}”, but this log is “${expected}”.`,
      checkpointFormat: (reason) => `The checkpoint cannot be read: ${reason}`,
      entryMissing: 'The server did not send this entry.',
      entryDecode: (reason) => `The entry is not a valid statement: ${reason}`,
      proofMismatch: 'The server sent a proof for a different entry or tree size.',
      inclusion: (reason) => `The inclusion proof does not hold: ${reason}`,
      keyChanged: (date) =>
        `The log’s key has changed: since ${date} this browser has known this log by a different key.`,
      forkShrunk: (size, seenSize, date) =>
        `The checkpoint of size ${size} is smaller than the checkpoint of size ${seenSize} this browser saw on ${date}.`,
      forkRootDiffers: (size, date) =>
        `The checkpoint of size ${size} has a different root hash than the one this browser saw on ${date}.`,
      forkProofMismatch: (size, seenSize, date) =>
        `The server’s consistency proof does not fit the checkpoint of size ${size} and the checkpoint of size ${seenSize} this browser saw on ${date}.`,
      forkInconsistent: (size, seenSize, date, reason) =>
        `The checkpoint of size ${size} does not extend the checkpoint of size ${seenSize} this browser saw on ${date}: ${reason}`,
      unexpected: (reason) => `Something unexpected went wrong: ${reason}`,
    },
  },
  notFound: {
    title: 'Page not found',
    text: 'There is no page at this address.',
    home: 'Go to the public log',
  },
};
