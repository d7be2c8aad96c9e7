import type {
  GovernancePolicy,
  MemberKey,
  MissingConsent,
  Sensitivity,
  ServiceStatus,
  StatementType,
  StewardRole,
} from '@allmende/protocol';

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
    signIn: string;
    signOut: string;
    /** Read before the member's name in the header, for screen readers. */
    signedInAs: string;
    account: string;
  };
  nav: {
    log: string;
    services: string;
    members: string;
    hosts: string;
    policies: string;
    proposals: string;
    invitations: string;
  };
  errors: {
    network: string;
    badReply: string;
    httpStatus: (status: number) => string;
    /** A statement the cooperative's rules refuse (STATEMENT_REFUSED). */
    refused: string;
    rule: string;
  };
  /** The cooperative's vocabulary. */
  coop: {
    roles: Record<StewardRole, string>;
    sensitivities: Record<Sensitivity, string>;
    sensitivityHints: Record<Sensitivity, string>;
    statuses: Record<ServiceStatus, string>;
    memberStatuses: Record<'active' | 'left' | 'removed', string>;
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
    admitted: (name: string, handle: string) => string;
    left: (handle: string) => string;
    removed: (handle: string, reason: string) => string;
    /** `kind` is one of keyKinds. */
    keyAdded: (handle: string, kind: string) => string;
    /** A member revokes a key of their own; `kind` is one of keyKinds, if the ID tells it. */
    keyRevoked: (handle: string, kind?: string) => string;
    /** Others revoke a member's (lost) key, `actor` first. */
    keyRevokedBy: (actor: string, handle: string, kind?: string) => string;
    policySet: string;
    serviceCreated: (name: string, slug: string) => string;
    /** `fields` lists the changed fields' names. */
    serviceUpdated: (slug: string, fields: string) => string;
    stewardAssigned: (handle: string, service: string) => string;
    deputyAssigned: (handle: string, service: string) => string;
    handedOver: (from: string, service: string, to: string) => string;
    resigned: (handle: string, service: string) => string;
    away: (handle: string) => string;
    awayUntil: (handle: string, day: string) => string;
    back: (handle: string) => string;
    hostAdded: (name: string, provider: string, location: string) => string;
    hostUpdated: (name: string, fields: string) => string;
    keyKinds: Record<MemberKey['kind'], string>;
    /** A label in quotation marks. */
    quote: (text: string) => string;
    none: string;
    yes: string;
    no: string;
    fields: {
      name: string;
      origin: string;
      logKey: string;
      text: string;
      url: string;
      founders: string;
      policy: string;
      handle: string;
      keys: string;
      invitation: string;
      reason: string;
      key: string;
      slug: string;
      description: string;
      sensitivity: string;
      status: string;
      addresses: string;
      docPage: string;
      hosts: string;
      service: string;
      role: string;
      from: string;
      to: string;
      away: string;
      until: string;
      hostName: string;
      address: string;
      provider: string;
      location: string;
      monthlyCost: string;
    };
  };
  /** Signing a statement: what the member sees before and while consenting. */
  sign: {
    heading: string;
    explain: string;
    youSign: string;
    exactText: string;
    digest: string;
    review: string;
    withPasskey: string;
    signing: string;
    sending: string;
    withSsh: string;
    cancel: string;
    noPasskeyHint: string;
    sshHeading: string;
    sshSave: string;
    sshDownload: (file: string) => string;
    sshRun: string;
    sshOrCli: string;
    sshPaste: (file: string) => string;
    sshSubmit: string;
    problems: {
      cancelled: string;
      unsupported: string;
      noPasskey: string;
      noKeys: string;
      failed: (detail: string) => string;
      notASignature: (detail: string) => string;
      wrongStatement: (detail: string) => string;
      notYourKey: string;
    };
  };
  outcome: {
    logged: (index: string) => string;
    viewEntry: (index: string) => string;
    waiting: string;
    viewProposal: string;
    withdrawn: string;
  };
  home: {
    title: string;
    intro: string;
    members: string;
    services: string;
    hosts: string;
    logEntries: string;
    whoLooksAfterWhat: string;
    noServices: string;
    noSteward: string;
    lookedAfterBy: string;
    allServices: string;
    openProposals: (formatted: string, n: number) => string;
    noOpenProposals: string;
    recent: string;
    allEntries: string;
  };
  login: {
    title: string;
    intro: string;
    passkeyHeading: string;
    passkeyText: string;
    passkeyButton: string;
    waiting: string;
    passwordHeading: string;
    handle: string;
    password: string;
    passwordButton: string;
    failed: string;
    already: (name: string) => string;
    noAccount: string;
  };
  account: {
    title: string;
    signInFirst: string;
    signedInAs: (name: string) => string;
    publicPage: string;
    keys: string;
    keysIntro: string;
    addPasskey: string;
    passkeyLabel: string;
    passkeyLabelHint: string;
    createPasskey: string;
    creatingPasskey: string;
    passkeyCreated: string;
    revokeKey: string;
    revokeKeyIntro: string;
    away: string;
    awayNow: string;
    awayUntil: (day: string) => string;
    notAway: string;
    awayUntilLabel: string;
    awayUntilHint: string;
    goAway: string;
    back: string;
    password: string;
    passwordIntro: string;
    newPassword: string;
    newPasswordHint: string;
    currentPassword: string;
    currentPasswordHint: string;
    savePassword: string;
    passwordSaved: string;
    tokens: string;
    tokensIntro: string;
    noTokens: string;
    tokenCreated: (date: string) => string;
    tokenUsed: (date: string) => string;
    tokenNeverUsed: string;
    revoke: string;
    everywhere: string;
    everywhereIntro: string;
    everywhereButton: string;
    leave: string;
    leaveWarningHeading: string;
    leaveWarning: string;
    /** `roles` lists the services with the member's role in each. */
    leaveRoles: (roles: string) => string;
    leaveIntro: string;
    leaveReason: string;
    leaveReasonHint: string;
    leaveSign: string;
    leftHeading: string;
    leftText: string;
  };
  members: {
    title: string;
    intro: string;
    emailHidden: string;
    none: string;
    email: string;
    away: string;
    awayUntil: (day: string) => string;
    looksAfter: string;
    keys: string;
    services: string;
    noServices: string;
    history: string;
    admitted: string;
    keyAdded: (kind: string) => string;
    keyRevoked: (kind: string) => string;
    addedAt: string;
    revokedAt: string;
    removeHeading: string;
    /** `n` signatures of members other than the one removed; the proposer's counts. */
    removeRule: (name: string, n: number) => string;
    /** While the cooperative has fewer than `n` members. */
    smallCooperative: (n: number) => string;
    proposeRemoval: (name: string) => string;
    reason: string;
    removalReasonHint: string;
    reasonMissing: string;
    revokeLost: string;
    revokeHeading: string;
    revokeIntro: (name: string) => string;
    /** `n` signatures of members other than the key's holder; the proposer's counts. */
    revokeRule: (name: string, n: number) => string;
    revokeReasonHint: string;
    openProposals: string;
  };
  invitations: {
    title: string;
    intro: string;
    signInFirst: string;
    newHeading: string;
    note: string;
    noteHint: string;
    create: string;
    created: string;
    onlyOnce: string;
    code: string;
    copy: string;
    copied: string;
    copyFailed: string;
    listHeading: string;
    none: string;
    noNote: string;
    createdAt: (date: string) => string;
    expires: (date: string) => string;
    expired: string;
    usedBy: string;
    withdraw: string;
  };
  join: {
    title: (coop: string) => string;
    titlePlain: string;
    invalid: string;
    invitedByCoop: (coop: string) => string;
    invitedBy: (name: string, handle: string, coop: string) => string;
    stepAbout: string;
    stepSign: string;
    stepVouches: string;
    aboutHeading: string;
    handle: string;
    handleHint: string;
    handleBecomes: string;
    handleInvalid: string;
    name: string;
    nameHint: string;
    nameMissing: string;
    email: string;
    emailHint: string;
    emailInvalid: string;
    passkeyExplain: string;
    createPasskey: string;
    creatingPasskey: string;
    passkeyCreated: string;
    signApplication: string;
    sentHeading: string;
    sentText: (inviter: string) => string;
  };
  proposals: {
    title: string;
    intro: string;
    titleOf: (type: string) => string;
    show: string;
    openOnly: string;
    all: string;
    none: string;
    noneOpen: string;
    statuses: Record<'open' | 'logged' | 'withdrawn', string>;
    signedBy: (handles: string) => string;
    proposedBy: string;
    whatIsProposed: string;
    consent: string;
    signatures: string;
    missing: string;
    /** A condition of consent not met yet, said by its rule (the server's text is English). */
    missingConsent: (missing: MissingConsent) => string;
    nothingMissing: string;
    vouchHeading: string;
    signHeading: string;
    vouchIntro: string;
    signIntro: string;
    removalSignIntro: (handle: string) => string;
    revocationSignIntro: (handle: string) => string;
    /** Shown to the member a removal is about: their signature does not count. */
    aboutYou: string;
    vouchButton: string;
    signInToSign: string;
    alreadySigned: string;
    withdraw: string;
    withdrawIntro: string;
  };
  services: {
    title: string;
    intro: string;
    none: string;
    sensitivity: string;
    status: string;
    stewards: string;
    deputies: string;
    responsible: string;
    noOne: string;
    away: string;
    facts: string;
    slug: string;
    slugHint: string;
    slugNormalized: (slug: string) => string;
    name: string;
    description: string;
    addresses: string;
    addressesHint: string;
    docPage: string;
    docPageHint: string;
    hosts: string;
    createdAt: string;
    newHeading: string;
    newIntro: string;
    newButton: string;
    signInToAdd: string;
    actions: string;
    actionsIntro: string;
    signInToAct: string;
    becomeSteward: string;
    becomeDeputy: string;
    youAreSteward: string;
    youAreDeputy: string;
    handOverTo: string;
    handOver: string;
    resign: string;
    resignDeputy: string;
    newStatus: string;
    updateStatus: string;
  };
  hosts: {
    title: string;
    intro: string;
    none: string;
    tableCaption: string;
    name: string;
    nameHint: string;
    address: string;
    addressHint: string;
    provider: string;
    location: string;
    monthlyCost: string;
    costHint: string;
    costInvalid: string;
    currency: string;
    services: string;
    total: string;
    newHeading: string;
    newIntro: string;
    newButton: string;
    signInToAdd: string;
  };
  policies: {
    title: string;
    intro: string;
    setAt: string;
    access: string;
    accessIntro: string;
    level: (sensitivity: string) => string;
    approvals: (n: number) => string;
    observer: string;
    noObserver: string;
    maxCertificate: (minutes: number) => string;
    commandLinesPublic: string;
    commandLinesSealed: string;
    fileTransfers: string;
    noFileTransfers: string;
    governance: string;
    admission: (n: number) => string;
    removal: (n: number) => string;
    policyChange: (n: number) => string;
    keyRevocation: (n: number) => string;
    smallCooperative: (n: number) => string;
    oversight: string;
    oversightAll: string;
    oversightNobody: string;
    oversightMembers: string;
    changeHeading: string;
    changeIntro: string;
    changeButton: string;
    signInToChange: string;
    approvalsLabel: string;
    maxCertificateLabel: string;
    commandLinesLabel: string;
    observerLabel: string;
    fileTransfersLabel: string;
    governanceLabels: Record<keyof GovernancePolicy, string>;
    oversightLabel: string;
    oversightHint: string;
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
    signatures: string;
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
