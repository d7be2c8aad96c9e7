import type { Messages } from './messages.ts';

export const de: Messages = {
  app: {
    skipToContent: 'Zum Inhalt springen',
    mainNavigation: 'Hauptnavigation',
    language: 'Sprache',
    footer:
      'Dieses Protokoll ist öffentlich und wird nur fortgeschrieben. Die Prüfungen auf diesen Seiten laufen in Ihrem eigenen Browser – Sie müssen dem Server nicht vertrauen.',
    loading: 'Wird geladen …',
    retry: 'Erneut versuchen',
    signIn: 'Anmelden',
    signOut: 'Abmelden',
    signedInAs: 'Angemeldet als',
    account: 'Ihr Konto',
  },
  nav: {
    log: 'Protokoll',
    services: 'Dienste',
    members: 'Mitglieder',
    hosts: 'Server',
    policies: 'Regeln',
    proposals: 'Vorschläge',
    invitations: 'Einladungen',
  },
  errors: {
    network:
      'Der Server ist nicht erreichbar. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.',
    badReply: 'Der Server hat eine Antwort geschickt, die diese Anwendung nicht versteht.',
    httpStatus: (status) => `Der Server hat mit Status ${status} geantwortet.`,
    refused: 'Die Regeln der Kooperative lassen diese Aussage nicht zu.',
    rule: 'Regel:',
  },
  coop: {
    roles: { steward: 'Betreuung', deputy: 'Vertretung' },
    sensitivities: { public: 'Öffentlich', private: 'Privat', critical: 'Kritisch' },
    sensitivityHints: {
      public: 'Enthält nichts Persönliches, etwa eine öffentliche Website.',
      private: 'Enthält persönliche Daten der Mitglieder, etwa E-Mails oder Kalender.',
      critical:
        'Enthält Daten, die das Fernmeldegeheimnis schützt, oder hält die Kooperative am Laufen (die Zertifizierungsstelle, das Protokoll).',
    },
    statuses: {
      planned: 'Geplant',
      running: 'In Betrieb',
      degraded: 'Eingeschränkt',
      retired: 'Eingestellt',
    },
    memberStatuses: { active: 'Mitglied', left: 'Ausgetreten', removed: 'Ausgeschlossen' },
  },
  log: {
    title: 'Öffentliches Protokoll',
    intro:
      'Alles, was die Kooperative unter Aufsicht tut, wird in diesem Protokoll festgehalten. Einträge lassen sich später weder ändern noch löschen – und das kann jede und jeder nachprüfen.',
    checkpoint: 'Aktueller Prüfpunkt',
    origin: 'Herkunft',
    size: 'Größe',
    entriesCount: (formatted, n) => `${formatted} ${n === 1 ? 'Eintrag' : 'Einträge'}`,
    rootHash: 'Wurzel-Hash',
    signedNote: 'Signierte Notiz',
    signature: 'Signatur',
    signatureChecking: 'Signatur wird geprüft …',
    signatureVerified: (keyName) =>
      `In Ihrem Browser mit dem Protokollschlüssel „${keyName}“ geprüft`,
    signatureFailed: (reason) => `Nicht bestätigt. ${reason}`,
    checkedAt: (time) => `Zuletzt geprüft um ${time}. Wird alle paar Sekunden aktualisiert.`,
    logKey: 'Protokollschlüssel',
    keyPinnedSince: (date) => `Schlüssel in diesem Browser hinterlegt seit ${date}.`,
    keyNotRemembered:
      'Dieser Browser kann den Schlüssel nicht speichern; er wird daher nur während dieses Besuchs geprüft.',
    knownKey: 'Schlüssel, den dieser Browser für das Protokoll kennt',
    consistentWith: (size, date) =>
      `Konsistent mit dem Prüfpunkt der Größe ${size}, den dieser Browser am ${date} gesehen hat.`,
    firstCheckpoint: 'Der erste Prüfpunkt dieses Protokolls, den dieser Browser sieht.',
    latestEntries: 'Neueste Einträge',
    entryLink: (index) => `Eintrag ${index}`,
    by: (actor) => `von ${actor}`,
    byCoop: 'von der Kooperative',
    showOlder: 'Ältere Einträge anzeigen',
    beginningReached: 'Sie sind am Anfang des Protokolls angekommen.',
    showing: (shown, total) => `${shown} von ${total} Einträgen werden angezeigt.`,
    newEntries: (n) => `${n} ${n === '1' ? 'neuer Eintrag' : 'neue Einträge'} im Protokoll.`,
    noEntries: 'Das Protokoll hat noch keine Einträge.',
    undecodable: 'Dieser Eintrag lässt sich nicht lesen.',
  },
  trust: {
    keyChanged: 'Der Schlüssel des Protokolls hat sich geändert',
    keyChangedText: (date) =>
      `Dieser Browser kennt das Protokoll seit ${date} unter einem anderen Schlüssel. Entweder zeigt der Server jetzt ein anderes Protokoll, oder der Schlüssel des Protokolls wurde ersetzt. Solange Sie nicht wissen, was davon zutrifft, sollten Sie dem, was diese Seite zeigt, nicht vertrauen.`,
    keyChangedAdvice:
      'Vertrauen Sie dem neuen Schlüssel nur, wenn die Kooperative den Wechsel auf einem Weg angekündigt hat, dem Sie vertrauen.',
    trustNewKey: 'Dem neuen Schlüssel vertrauen',
    fork: 'Das Protokoll hat seine Geschichte umgeschrieben',
    forkAdvice:
      'Ein öffentliches Protokoll darf nur wachsen. Dieser Server zeigt jetzt eine Geschichte, die einem früher von ihm signierten Prüfpunkt widerspricht – der schwerste Fehler, den diese Seite finden kann. Melden Sie das der Aufsicht der Kooperative und bewahren Sie die beiden signierten Prüfpunkte unten als Beweis auf.',
    evidence: 'Die beiden signierten Prüfpunkte',
    seenBefore: (date) => `Von diesem Browser am ${date} gesehen`,
    servedNow: 'Jetzt ausgeliefert',
  },
  chart: {
    title: 'Wachstum des Protokolls',
    description: (fromCount, fromTime, toCount, toTime) =>
      `Das Protokoll wuchs von ${fromCount} Einträgen am ${fromTime} auf ${toCount} Einträge am ${toTime}.`,
    tooFew:
      'Das Diagramm erscheint, sobald die geladenen Einträge mehr als einen Zeitpunkt umfassen.',
    entriesAxis: 'Einträge',
  },
  statement: {
    types: {
      'coop.founded': 'Kooperative gegründet',
      notice: 'Mitteilung',
      'member.admitted': 'Mitglied aufgenommen',
      'member.left': 'Mitglied ausgetreten',
      'member.removed': 'Mitglied ausgeschlossen',
      'key.added': 'Schlüssel hinzugefügt',
      'key.revoked': 'Schlüssel widerrufen',
      'policy.set': 'Regeln geändert',
      'service.created': 'Dienst angelegt',
      'service.updated': 'Dienst geändert',
      'steward.assigned': 'Betreuung übernommen',
      'steward.handed-over': 'Betreuung übergeben',
      'steward.resigned': 'Betreuung abgegeben',
      'steward.away': 'Abwesenheit',
      'host.added': 'Server hinzugefügt',
      'host.updated': 'Server geändert',
    },
    coopActor: 'die Kooperative',
    founded: (name) => `${name} wurde gegründet.`,
    admitted: (name, handle) => `${name} (${handle}) wird Mitglied.`,
    left: (handle) => `${handle} verlässt die Kooperative.`,
    removed: (handle, reason) => `${handle} wird aus der Kooperative ausgeschlossen: ${reason}`,
    keyAdded: (handle, kind) => `${handle} fügt einen neuen ${kind} hinzu.`,
    keyRevoked: (handle, kind) =>
      `${handle} widerruft einen eigenen Schlüssel${kind ? ` (${kind})` : ''}.`,
    keyRevokedBy: (actor, handle, kind) =>
      `${actor} widerruft einen Schlüssel von ${handle}${kind ? ` (${kind})` : ''}.`,
    policySet: 'Die Regeln der Kooperative ändern sich.',
    serviceCreated: (name, slug) => `Neuer Dienst: ${name} (${slug}).`,
    serviceUpdated: (slug, fields) => `Der Dienst ${slug} ändert sich: ${fields}.`,
    stewardAssigned: (handle, service) => `${handle} betreut ${service}.`,
    deputyAssigned: (handle, service) => `${handle} vertritt die Betreuung von ${service}.`,
    handedOver: (from, service, to) => `${from} übergibt ${service} an ${to}.`,
    resigned: (handle, service) => `${handle} betreut ${service} nicht mehr.`,
    away: (handle) => `${handle} ist abwesend.`,
    awayUntil: (handle, day) => `${handle} ist bis ${day} abwesend.`,
    back: (handle) => `${handle} ist wieder da.`,
    hostAdded: (name, provider, location) => `Neuer Server: ${name} bei ${provider}, ${location}.`,
    hostUpdated: (name, fields) => `Der Server ${name} ändert sich: ${fields}.`,
    keyKinds: { ssh: 'SSH-Schlüssel', passkey: 'Passkey', age: 'age-Schlüssel' },
    quote: (text) => `„${text}“`,
    none: 'keine',
    yes: 'ja',
    no: 'nein',
    fields: {
      name: 'Name',
      origin: 'Protokoll-Herkunft',
      logKey: 'Protokollschlüssel',
      text: 'Text',
      url: 'Webadresse',
      founders: 'Gründungsmitglieder',
      policy: 'Regeln',
      handle: 'Mitglied',
      keys: 'Schlüssel',
      invitation: 'Einladung (Hash des Codes)',
      reason: 'Grund',
      key: 'Schlüssel',
      slug: 'Dienst',
      description: 'Beschreibung',
      sensitivity: 'Schutzbedarf',
      status: 'Zustand',
      addresses: 'Adressen',
      docPage: 'Dokumentation (Wiki-Seite)',
      hosts: 'Server',
      service: 'Dienst',
      role: 'Rolle',
      from: 'Von',
      to: 'An',
      away: 'Abwesend',
      until: 'Bis',
      hostName: 'Server',
      address: 'Adresse',
      provider: 'Anbieter',
      location: 'Standort',
      monthlyCost: 'Monatliche Kosten',
    },
  },
  sign: {
    heading: 'Was Sie unterschreiben',
    explain:
      'Ihre Unterschrift ist Ihre Zustimmung. Sie kommt mit dieser Aussage dauerhaft ins öffentliche Protokoll, und jede und jeder kann sie prüfen.',
    youSign: 'Sie unterschreiben:',
    exactText: 'Der genaue Text, den Sie unterschreiben',
    digest: 'Sein SHA-256-Hash, den Ihr Passkey signiert:',
    review: 'Prüfen und unterschreiben',
    withPasskey: 'Mit meinem Passkey unterschreiben',
    signing: 'Warten auf Ihren Passkey …',
    sending: 'Wird gesendet …',
    withSsh: 'Stattdessen mit meinem SSH-Schlüssel unterschreiben',
    cancel: 'Abbrechen',
    noPasskeyHint:
      'Sie haben noch keinen Passkey in der Kooperative. Unterschreiben Sie deshalb mit Ihrem SSH-Schlüssel auf Ihrem eigenen Rechner.',
    sshHeading: 'Mit Ihrem SSH-Schlüssel unterschreiben',
    sshSave: 'Speichern Sie die Aussage genau so, wie sie oben steht, als Datei:',
    sshDownload: (file) => `${file} herunterladen`,
    sshRun: 'Führen Sie im Ordner, in dem die Datei liegt, aus:',
    sshOrCli:
      'oder mit dem Allmende-Kommandozeilenwerkzeug, dessen Ausgabe Sie unverändert einfügen können:',
    sshPaste: (file) =>
      `Fügen Sie die Signatur ein (den Inhalt von ${file} oder die Ausgabe von allmende sign)`,
    sshSubmit: 'Signatur senden',
    problems: {
      cancelled:
        'Es wurde nichts unterschrieben: Die Passkey-Abfrage wurde geschlossen oder ist abgelaufen.',
      unsupported: 'Dieser Browser kann keine Passkeys verwenden.',
      noPasskey: 'Sie haben keinen Passkey, mit dem Sie unterschreiben können.',
      noKeys: 'Dieses Mitglied hat keinen Schlüssel, mit dem es unterschreiben kann.',
      failed: (detail) => `Ihr Passkey konnte nicht unterschreiben: ${detail}`,
      notASignature: (detail) => `Das ist keine SSH-Signatur: ${detail}`,
      wrongStatement: (detail) =>
        `Diese Signatur gilt nicht für diese Aussage in dieser Kooperative: ${detail}`,
      notYourKey:
        'Diese Signatur stammt von einem Schlüssel, der nicht zu Ihren Schlüsseln gehört.',
    },
  },
  outcome: {
    logged: (index) => `Erledigt: als Eintrag ${index} ins Protokoll geschrieben.`,
    viewEntry: (index) => `Eintrag ${index} im Protokoll ansehen`,
    waiting: 'Vorgeschlagen. Es gilt, sobald genug Mitglieder unterschrieben haben:',
    viewProposal: 'Zum Vorschlag',
    withdrawn: 'Zurückgezogen: Dieser Vorschlag tritt nicht in Kraft.',
  },
  home: {
    title: 'Die Kooperative',
    intro:
      'Die Mitglieder legen ihre Server und Dienste zusammen und kümmern sich gemeinsam darum. Alles, was sie beschließen, wird unterschrieben und in ein öffentliches Protokoll geschrieben.',
    members: 'Mitglieder',
    services: 'Dienste',
    hosts: 'Server',
    logEntries: 'Protokolleinträge',
    whoLooksAfterWhat: 'Wer kümmert sich um was',
    noServices: 'Noch keine Dienste.',
    noSteward: 'Noch kümmert sich niemand darum.',
    lookedAfterBy: 'Betreut von',
    allServices: 'Alle Dienste',
    openProposals: (formatted, n) =>
      `${formatted} ${n === 1 ? 'Vorschlag wartet' : 'Vorschläge warten'} auf Unterschriften.`,
    noOpenProposals: 'Keine Vorschläge warten auf Unterschriften.',
    recent: 'Zuletzt im Protokoll',
    allEntries: 'Das ganze Protokoll',
  },
  login: {
    title: 'Anmelden',
    intro:
      'Melden Sie sich an, um mitzumachen: für neue Mitglieder bürgen, Dienste betreuen, Änderungen vorschlagen.',
    passkeyHeading: 'Mit einem Passkey',
    passkeyText:
      'Ihr Telefon, Ihr Rechner oder Ihr Sicherheitsschlüssel bestätigt, dass Sie es sind.',
    passkeyButton: 'Mit Passkey anmelden',
    waiting: 'Warten auf Ihren Passkey …',
    passwordHeading: 'Mit einem Passwort',
    handle: 'Kurzname',
    password: 'Passwort',
    passwordButton: 'Mit Passwort anmelden',
    failed:
      'Das hat nicht geklappt. Prüfen Sie Kurzname und Passwort, oder melden Sie sich mit einem Passkey an.',
    already: (name) => `Sie sind als ${name} angemeldet.`,
    noAccount: 'Noch kein Konto? Mitglieder laden neue Mitglieder ein: Bitten Sie eines darum.',
  },
  account: {
    title: 'Ihr Konto',
    signInFirst: 'Melden Sie sich an, um Ihr Konto zu sehen.',
    signedInAs: (name) => `Sie sind als ${name} angemeldet.`,
    publicPage: 'Ihre öffentliche Seite',
    keys: 'Ihre Schlüssel',
    keysIntro:
      'Mit Ihren Schlüsseln unterschreiben Sie alles, dem Sie zustimmen. Ein neuer Passkey gehört Ihnen, sobald einer Ihrer bisherigen Schlüssel ihn ins Protokoll unterschreibt.',
    addPasskey: 'Passkey hinzufügen',
    passkeyLabel: 'Name des Passkeys (freiwillig)',
    passkeyLabelHint: 'Etwa „Telefon“ oder „Laptop“. Der Name ist öffentlich, wie der Schlüssel.',
    createPasskey: 'Passkey erstellen',
    creatingPasskey: 'Warten auf Ihr Gerät …',
    passkeyCreated:
      'Ihr Gerät hat den Passkey erstellt. Unterschreiben Sie ihn jetzt mit einem Schlüssel, den Sie schon haben, ins Protokoll.',
    revokeKey: 'Diesen Schlüssel widerrufen',
    revokeKeyIntro:
      'Ein widerrufener Schlüssel unterschreibt von da an nichts mehr. Unterschreiben Sie den Widerruf mit einem Ihrer Schlüssel, auch mit dem, den Sie widerrufen. Haben Sie alle Schlüssel verloren, können andere Mitglieder ihn für Sie widerrufen (allmende key revoke).',
    away: 'Abwesenheit',
    awayNow: 'Sie sind abwesend: Ihre Vertretungen stehen für Ihre Dienste ein.',
    awayUntil: (day) =>
      `Sie sind bis ${day} abwesend: Ihre Vertretungen stehen für Ihre Dienste ein.`,
    notAway:
      'Wenn Sie abwesend sind, stehen Ihre Vertretungen für die Dienste ein, die Sie betreuen.',
    awayUntilLabel: 'Abwesend bis (freiwillig)',
    awayUntilHint: 'Der letzte Tag Ihrer Abwesenheit.',
    goAway: 'Mich abwesend melden',
    back: 'Mich zurückmelden',
    password: 'Passwort',
    passwordIntro:
      'Mit einem Passwort melden Sie sich dort an, wo Sie keinen Passkey haben. Unterschreiben kann es nichts.',
    newPassword: 'Neues Passwort',
    newPasswordHint: 'Mindestens 12 Zeichen.',
    currentPassword: 'Bisheriges Passwort',
    currentPasswordHint: 'Nur, wenn Sie schon eines haben.',
    savePassword: 'Passwort speichern',
    passwordSaved: 'Ihr Passwort ist gespeichert.',
    tokens: 'API-Tokens',
    tokensIntro: 'Mit Tokens handelt das Kommandozeilenwerkzeug allmende in Ihrem Namen.',
    noTokens: 'Sie haben keine API-Tokens.',
    tokenCreated: (date) => `Erstellt am ${date}`,
    tokenUsed: (date) => `zuletzt benutzt am ${date}`,
    tokenNeverUsed: 'nie benutzt',
    revoke: 'Widerrufen',
    everywhere: 'Überall abmelden',
    everywhereIntro:
      'Beendet alle Ihre Sitzungen auf allen Geräten und widerruft alle Ihre API-Tokens.',
    everywhereButton: 'Überall abmelden',
    leave: 'Aus der Kooperative austreten',
    leaveWarningHeading: 'Das lässt sich nicht rückgängig machen.',
    leaveWarning:
      'Sobald Ihre Erklärung im Protokoll steht, sind Sie kein Mitglied mehr: Sie können sich nicht mehr anmelden, und keiner Ihrer Schlüssel unterschreibt mehr etwas für die Kooperative. Um zurückzukommen, bräuchten Sie eine neue Einladung und einen neuen Kurznamen.',
    leaveRoles: (roles) =>
      `Sie geben damit auch Ihre Aufgaben in Betreuung oder Vertretung ab: ${roles}.`,
    leaveIntro:
      'Ob Sie austreten, entscheiden Sie allein: Ihre eigene Unterschrift genügt, und Ihre Erklärung kommt sofort ins öffentliche Protokoll.',
    leaveReason: 'Warum Sie austreten (freiwillig)',
    leaveReasonHint: 'Öffentlich und dauerhaft im Protokoll, wie die Erklärung selbst.',
    leaveSign: 'Mit meinem Passkey unterschreiben und austreten',
    leftHeading: 'Sie sind aus der Kooperative ausgetreten',
    leftText: 'Danke für alles, was Sie für sie getan haben. Dieser Browser ist jetzt abgemeldet.',
  },
  members: {
    title: 'Mitglieder',
    intro: 'Die Menschen, die die Kooperative gemeinsam betreiben.',
    emailHidden: 'E-Mail-Adressen sehen nur angemeldete Mitglieder.',
    none: 'Noch keine Mitglieder.',
    email: 'E-Mail',
    away: 'abwesend',
    awayUntil: (day) => `abwesend bis ${day}`,
    looksAfter: 'Betreut',
    keys: 'Schlüssel',
    services: 'Dienste',
    noServices: 'Betreut keinen Dienst.',
    history: 'Im Protokoll',
    admitted: 'Aufgenommen',
    keyAdded: (kind) => `Neuer ${kind}`,
    keyRevoked: (kind) => `${kind} widerrufen`,
    addedAt: 'hinzugefügt in',
    revokedAt: 'widerrufen in',
    removeHeading: 'Aus der Kooperative ausschließen',
    removeRule: (name, n) =>
      n === 1
        ? `Um ${name} auszuschließen, braucht es die Unterschrift eines Mitglieds außer ${name}. Ihre genügt: Sobald Sie unterschreiben, ist ${name} ausgeschlossen.`
        : `Um ${name} auszuschließen, braucht es die Unterschriften von ${n} Mitgliedern außer ${name}. Ihre ist die erste; die anderen unterschreiben auf der Seite des Vorschlags.`,
    smallCooperative: (n) =>
      `Solange die Kooperative weniger als ${n} Mitglieder hat, genügt eine Unterschrift.`,
    proposeRemoval: (name) => `Ausschluss von ${name} vorschlagen`,
    reason: 'Begründung',
    removalReasonHint:
      'Öffentlich und dauerhaft im Protokoll. Schreiben Sie, was geschehen ist, damit die anderen Mitglieder es beurteilen können.',
    reasonMissing: 'Bitte geben Sie eine Begründung an.',
    revokeLost: 'Diesen Schlüssel widerrufen (verloren)',
    revokeHeading: 'Verlorenen Schlüssel widerrufen',
    revokeIntro: (name) =>
      `Hat ${name} diesen Schlüssel verloren oder wurde er gestohlen, können andere Mitglieder ihn widerrufen: Er unterschreibt dann nichts mehr. Vergewissern Sie sich vorher, am besten im persönlichen Gespräch mit ${name}.`,
    revokeRule: (name, n) =>
      n === 1
        ? `Dafür braucht es die Unterschrift eines Mitglieds außer ${name}: Ihre widerruft den Schlüssel sofort.`
        : `Dafür braucht es die Unterschriften von ${n} Mitgliedern außer ${name}. Ihre ist die erste; die anderen unterschreiben auf der Seite des Vorschlags.`,
    revokeReasonHint:
      'Öffentlich im Protokoll. Etwa: „Bos Telefon mit diesem Passkey wurde gestohlen.“',
    openProposals: 'Offene Vorschläge',
  },
  invitations: {
    title: 'Einladungen',
    intro:
      'Neue Mitglieder kommen auf Einladung. Wer eingeladen ist, wählt einen Kurznamen, erstellt einen Passkey und unterschreibt den Aufnahmeantrag; dann bürgen Mitglieder dafür.',
    signInFirst: 'Melden Sie sich an, um jemanden einzuladen.',
    newHeading: 'Jemanden einladen',
    note: 'Notiz (freiwillig)',
    noteHint: 'Für Sie, damit Sie wissen, wen Sie eingeladen haben. Nur Mitglieder sehen sie.',
    create: 'Einladung erstellen',
    created: 'Die Einladung ist fertig',
    onlyOnce: 'Geben Sie diesen Link der Person, die Sie einladen. Er wird nur jetzt angezeigt.',
    code: 'Code:',
    copy: 'Link kopieren',
    copied: 'Kopiert.',
    copyFailed: 'Kopieren ging nicht; markieren Sie den Link stattdessen.',
    listHeading: 'Ihre Einladungen',
    none: 'Sie haben noch niemanden eingeladen.',
    noNote: 'Einladung ohne Notiz',
    createdAt: (date) => `Erstellt am ${date}`,
    expires: (date) => `gültig bis ${date}`,
    expired: 'abgelaufen',
    usedBy: 'angenommen von',
    withdraw: 'Zurückziehen',
  },
  join: {
    title: (coop) => `${coop} beitreten`,
    titlePlain: 'Der Kooperative beitreten',
    invalid:
      'Diese Einladung ist nicht gültig: Sie ist vielleicht abgelaufen, zurückgezogen oder schon benutzt. Bitten Sie das Mitglied, das Sie eingeladen hat, um eine neue.',
    invitedByCoop: (coop) => `Sie sind eingeladen, ${coop} beizutreten.`,
    invitedBy: (name, handle, coop) => `${name} (${handle}) lädt Sie ein, ${coop} beizutreten.`,
    stepAbout: 'Über Sie',
    stepSign: 'Antrag unterschreiben',
    stepVouches: 'Mitglieder bürgen für Sie',
    aboutHeading: 'Über Sie',
    handle: 'Kurzname',
    handleHint:
      'Ihr Name in der Kooperative: Kleinbuchstaben, Ziffern, „-“ und „_“. Er lässt sich später nicht ändern.',
    handleBecomes: 'Ihr Kurzname wird:',
    handleInvalid:
      'Ein Kurzname hat 1 bis 32 Kleinbuchstaben, Ziffern, „-“ oder „_“ und beginnt und endet mit einem Buchstaben oder einer Ziffer.',
    name: 'Name',
    nameHint: 'So, wie die anderen Mitglieder Sie kennen. Er ist öffentlich.',
    nameMissing: 'Bitte geben Sie Ihren Namen ein.',
    email: 'E-Mail',
    emailHint: 'Nur Mitglieder sehen sie.',
    emailInvalid: 'Bitte geben Sie eine E-Mail-Adresse ein.',
    passkeyExplain:
      'Als Nächstes erstellt Ihr Gerät einen Passkey für diese Kooperative. Mit ihm melden Sie sich an, und mit ihm unterschreiben Sie, was Sie beschließen.',
    createPasskey: 'Meinen Passkey erstellen',
    creatingPasskey: 'Warten auf Ihr Gerät …',
    passkeyCreated:
      'Ihr Passkey ist fertig. Unterschreiben Sie jetzt damit Ihren Antrag: Er kommt ins öffentliche Protokoll, sobald Mitglieder für Sie gebürgt haben.',
    signApplication: 'Meinen Antrag mit meinem Passkey unterschreiben',
    sentHeading: 'Ihr Antrag ist eingegangen',
    sentText: (inviter) =>
      `Jetzt bürgen Mitglieder für Sie, indem sie Ihren Antrag unterschreiben. ${inviter} kann damit anfangen.`,
  },
  proposals: {
    title: 'Vorschläge',
    intro:
      'Aussagen, die noch auf die Unterschriften warten, die die Regeln verlangen. Jede gilt und kommt ins Protokoll, sobald genug Mitglieder unterschrieben haben.',
    titleOf: (type) => `Vorschlag: ${type}`,
    show: 'Anzeigen',
    openOnly: 'Offene',
    all: 'Alle',
    none: 'Es gibt keine Vorschläge.',
    noneOpen: 'Keine Vorschläge warten auf Unterschriften.',
    statuses: { open: 'offen', logged: 'protokolliert', withdrawn: 'zurückgezogen' },
    signedBy: (handles) => `Unterschrieben von ${handles}`,
    proposedBy: 'Vorgeschlagen von',
    whatIsProposed: 'Was vorgeschlagen ist',
    consent: 'Unterschriften',
    signatures: 'Unterschrieben von',
    missing: 'Es fehlt noch',
    missingConsent: ({ rule, text, have = 0, need = 0, signers = [] }) => {
      const who = signers.join(', ');
      switch (rule) {
        case 'consent.vouches':
          return `Bürgschaften von Mitgliedern: ${have} von ${need}`;
        case 'consent.removal':
          return `Unterschriften anderer Mitglieder für den Ausschluss: ${have} von ${need}`;
        case 'consent.key-revocation':
          return `Unterschriften anderer Mitglieder, um den Schlüssel zu widerrufen: ${have} von ${need}`;
        case 'consent.policy-change':
          return `Unterschriften von Mitgliedern für die Änderung der Regeln: ${have} von ${need}`;
        case 'consent.candidate':
          return `Die Unterschrift der Person, die beitreten will: ${who}`;
        case 'consent.actor':
          return `Die Unterschrift von ${who}, der oder die es vorschlägt`;
        case 'consent.assignee':
          return `Die Unterschrift von ${who}, der oder die die Aufgabe übernimmt`;
        case 'consent.steward':
          return `Die Unterschrift von jemandem, der den Dienst betreut (${who})`;
        case 'consent.handover':
        case 'consent.member':
          return `Die Unterschrift von ${who}`;
        default:
          return text;
      }
    },
    nothingMissing: 'Nichts: Der Vorschlag wird gleich protokolliert.',
    vouchHeading: 'Bürgen',
    signHeading: 'Unterschreiben',
    vouchIntro:
      'Bürgen Sie nur für jemanden, den Sie kennen: Ihre Unterschrift sagt, dass Sie diese Person in der Kooperative haben wollen.',
    signIntro: 'Unterschreiben Sie nur, wenn Sie zustimmen: Ihre Unterschrift ist Ihre Zustimmung.',
    removalSignIntro: (handle) =>
      `Unterschreiben Sie nur, wenn Sie wollen, dass ${handle} kein Mitglied mehr ist. Ihre Unterschrift ist Ihre Zustimmung und bleibt öffentlich.`,
    revocationSignIntro: (handle) =>
      `Unterschreiben Sie nur, wenn Sie sicher sind, dass ${handle} diesen Schlüssel verloren hat oder er gestohlen wurde – am besten, weil ${handle} es Ihnen persönlich gesagt hat.`,
    aboutYou:
      'Dieser Vorschlag betrifft Sie. Ihre Unterschrift zählt dafür nicht: Die anderen Mitglieder entscheiden.',
    vouchButton: 'Mit meinem Passkey bürgen',
    signInToSign: 'Melden Sie sich an, um diesen Vorschlag zu unterschreiben.',
    alreadySigned: 'Sie haben diesen Vorschlag unterschrieben.',
    withdraw: 'Vorschlag zurückziehen',
    withdrawIntro: 'Sie haben das vorgeschlagen. Solange es wartet, können Sie es zurückziehen.',
  },
  services: {
    title: 'Dienste',
    intro:
      'Was die Kooperative betreibt, wie schutzbedürftig es ist und wer sich darum kümmert. Die Betreuung steht für einen Dienst ein; die Vertretung springt ein, wenn sie abwesend ist.',
    none: 'Noch keine Dienste.',
    sensitivity: 'Schutzbedarf',
    status: 'Zustand',
    stewards: 'Betreuung',
    deputies: 'Vertretung',
    responsible: 'Derzeit zuständig',
    noOne: 'niemand',
    away: 'abwesend',
    facts: 'Angaben',
    slug: 'Kurzname',
    slugHint: 'Kleinbuchstaben, Ziffern, „-“ und „_“, etwa „mail“.',
    slugNormalized: (slug) => `Wird als „${slug}“ geschrieben.`,
    name: 'Name',
    description: 'Beschreibung',
    addresses: 'Adressen',
    addressesHint: 'Eine Domain oder Webadresse pro Zeile.',
    docPage: 'Wiki-Seite',
    docPageHint: 'Die Seite, die den Dienst beschreibt, etwa services/mail.',
    hosts: 'Server',
    createdAt: 'Angelegt in',
    newHeading: 'Dienst anlegen',
    newIntro: 'Ein neuer Dienst kommt ins Protokoll, sobald Sie ihn unterschreiben.',
    newButton: 'Dienst anlegen',
    signInToAdd: 'Melden Sie sich an, um einen Dienst anzulegen.',
    actions: 'Mitmachen',
    actionsIntro: 'Jede dieser Aktionen ist eine Aussage, die Sie prüfen und unterschreiben.',
    signInToAct: 'Melden Sie sich an, um diesen Dienst zu betreuen.',
    becomeSteward: 'Diesen Dienst betreuen',
    becomeDeputy: 'Als Vertretung einspringen',
    youAreSteward: 'Sie betreuen diesen Dienst.',
    youAreDeputy: 'Sie sind die Vertretung.',
    handOverTo: 'Übergeben an',
    handOver: 'Übergeben',
    resign: 'Betreuung abgeben',
    resignDeputy: 'Vertretung abgeben',
    newStatus: 'Zustand',
    updateStatus: 'Zustand ändern',
  },
  hosts: {
    title: 'Server',
    intro:
      'Die Maschinen, auf denen die Dienste der Kooperative laufen, und was sie im Monat kosten.',
    none: 'Noch keine Server.',
    tableCaption: 'Server und ihre monatlichen Kosten',
    name: 'Name',
    nameHint: 'Kleingeschrieben wie im DNS, etwa „hetzner-1“.',
    address: 'Adresse',
    addressHint: 'Seine Domain oder IP-Adresse.',
    provider: 'Anbieter',
    location: 'Standort',
    monthlyCost: 'Monatliche Kosten',
    costHint: 'Etwa 12,50',
    costInvalid: 'Geben Sie einen Betrag wie 12,50 ein.',
    currency: 'Währung',
    services: 'Dienste',
    total: 'Summe im Monat',
    newHeading: 'Server hinzufügen',
    newIntro: 'Ein neuer Server kommt ins Protokoll, sobald Sie ihn unterschreiben.',
    newButton: 'Server hinzufügen',
    signInToAdd: 'Melden Sie sich an, um einen Server hinzuzufügen.',
  },
  policies: {
    title: 'Regeln',
    intro:
      'Wie sich die Kooperative selbst verwaltet: was der Zugang zu welcher Art von Dienst verlangt und wie viele Unterschriften jede Entscheidung braucht. Die Regeln sind selbst Aussagen im Protokoll.',
    setAt: 'In Kraft seit',
    access: 'Zugang zu Servern',
    accessIntro:
      'Wer als Betreuung eine Shell auf einem Server braucht, beantragt sie; es gelten die Regeln seines schutzbedürftigsten Dienstes.',
    level: (sensitivity) => `Schutzbedarf: ${sensitivity}`,
    approvals: (n) =>
      n === 0
        ? 'Keine Zustimmung anderer Mitglieder nötig.'
        : `Braucht die Zustimmung von ${n === 1 ? 'einem anderen Mitglied' : `${n} anderen Mitgliedern`}.`,
    observer: 'Ein anderes Mitglied schaut der Sitzung live zu.',
    noObserver: 'Niemand muss zuschauen.',
    maxCertificate: (minutes) =>
      minutes % 60 === 0
        ? `Der Zugang gilt höchstens ${minutes === 60 ? 'eine Stunde' : `${minutes / 60} Stunden`}.`
        : `Der Zugang gilt höchstens ${minutes} Minuten.`,
    commandLinesPublic: 'Befehlszeilen werden im Protokoll veröffentlicht.',
    commandLinesSealed: 'Befehlszeilen werden für die Aufsicht versiegelt.',
    fileTransfers: 'Dateiübertragungen sind erlaubt und werden aufgezeichnet.',
    noFileTransfers: 'Keine Dateiübertragungen.',
    governance: 'Entscheidungen',
    admission: (n) =>
      `Ein neues Mitglied braucht ${n === 1 ? 'eine Bürgschaft' : `${n} Bürgschaften`} von Mitgliedern.`,
    removal: (n) =>
      `Um ein Mitglied auszuschließen, braucht es die Unterschriften von ${n === 1 ? 'einem anderen Mitglied' : `${n} anderen Mitgliedern`}.`,
    policyChange: (n) =>
      `Um diese Regeln zu ändern, braucht es die Unterschriften von ${n === 1 ? 'einem Mitglied' : `${n} Mitgliedern`}.`,
    keyRevocation: (n) =>
      `Um den Schlüssel eines anderen Mitglieds zu widerrufen, braucht es die Unterschriften von ${n === 1 ? 'einem Mitglied' : `${n} Mitgliedern`}.`,
    smallCooperative: (n) =>
      `Solange die Kooperative weniger als ${n} Mitglieder hat, genügt dafür jeweils eine Unterschrift.`,
    oversight: 'Aufsicht',
    oversightAll: 'Jedes Mitglied mit einem age-Schlüssel gehört zur Aufsicht.',
    oversightNobody: 'Die Aufsicht ist leer.',
    oversightMembers: 'Zur Aufsicht gehören:',
    changeHeading: 'Änderung vorschlagen',
    changeIntro:
      'Ihr Vorschlag gilt, sobald so viele Mitglieder unterschrieben haben, wie die Regeln verlangen.',
    changeButton: 'Änderung vorschlagen',
    signInToChange: 'Melden Sie sich an, um eine Änderung vorzuschlagen.',
    approvalsLabel: 'Zustimmungen anderer Mitglieder',
    maxCertificateLabel: 'Längster Zugang in Minuten',
    commandLinesLabel: 'Befehlszeilen',
    observerLabel: 'Ein anderes Mitglied muss zuschauen',
    fileTransfersLabel: 'Dateiübertragungen erlaubt',
    governanceLabels: {
      admission: 'Bürgschaften für ein neues Mitglied',
      removal: 'Unterschriften, um ein Mitglied auszuschließen',
      policyChange: 'Unterschriften, um die Regeln zu ändern',
      keyRevocation: 'Unterschriften, um einen fremden Schlüssel zu widerrufen',
      smallCooperativeBelow: 'Eine Unterschrift genügt unter so vielen Mitgliedern',
    },
    oversightLabel: 'Mitglieder der Aufsicht',
    oversightHint: 'Kurznamen, durch Kommas getrennt.',
  },
  entry: {
    title: (index) => `Eintrag ${index}`,
    backToLog: 'Zurück zum Protokoll',
    previous: 'Vorheriger Eintrag',
    next: 'Nächster Eintrag',
    neighbours: 'Benachbarte Einträge',
    statement: 'Aussage',
    type: 'Art',
    time: 'Zeit',
    actor: 'Akteur',
    canonicalJson: 'Kanonisches JSON (RFC 8785), genau wie protokolliert',
    signatures: 'Unterschrieben von',
    leafHash: 'Blatt-Hash',
    leafHashMismatch: 'Der vom Server gemeldete Blatt-Hash weicht vom Hash des Eintrags ab.',
    statementMismatch:
      'Die vom Server entschlüsselte Aussage weicht von den Bytes des Eintrags ab.',
    proof: 'Einschlussbeweis',
    proofExplain:
      'Ihr Browser prüft selbst, dass dieser Eintrag Teil des vom Server signierten Protokolls ist – ohne dem Server vertrauen zu müssen.',
    proofHashes: 'Hashes des Beweises',
    noProofHashes: 'Keine: Der Eintrag ist der ganze Baum.',
    checkpointSize: (size) => `Geprüft gegen den Prüfpunkt der Größe ${size}.`,
    verifying: 'Wird geprüft …',
    verified: 'Bestätigt',
    verifiedDetail: (index, size, origin) =>
      `Eintrag ${index} ist im Prüfpunkt der Größe ${size} enthalten, signiert für ${origin}.`,
    failed: 'Prüfung fehlgeschlagen',
    waitingForCheckpoint:
      'Der Eintrag ist neuer als der Prüfpunkt. Warten auf den nächsten Prüfpunkt …',
    steps: {
      fetchCheckpoint: 'Aktuellen Prüfpunkt abrufen',
      verifySignature: 'Signatur des Prüfpunkts prüfen',
      checkHistory: 'Mit dem Prüfpunkt abgleichen, den dieser Browser zuvor gesehen hat',
      fetchEntry: 'Eintrag abrufen',
      hashEntry: 'Blatt-Hash des Eintrags berechnen',
      fetchProof: 'Einschlussbeweis abrufen',
      verifyInclusion: 'Beweis gegen den Wurzel-Hash des Prüfpunkts prüfen',
    },
    stepStates: {
      pending: 'wartet',
      running: 'läuft',
      done: 'erledigt',
      failed: 'fehlgeschlagen',
    },
    problems: {
      signature: (reason) => `Die Signatur des Prüfpunkts ist ungültig: ${reason}`,
      originMismatch: (expected, actual) =>
        `Der Prüfpunkt gilt für „${actual}“, dieses Protokoll ist aber „${expected}“.`,
      checkpointFormat: (reason) => `Der Prüfpunkt ist nicht lesbar: ${reason}`,
      entryMissing: 'Der Server hat diesen Eintrag nicht geschickt.',
      entryDecode: (reason) => `Der Eintrag ist keine gültige Aussage: ${reason}`,
      proofMismatch:
        'Der Server hat einen Beweis für einen anderen Eintrag oder eine andere Größe geschickt.',
      inclusion: (reason) => `Der Einschlussbeweis stimmt nicht: ${reason}`,
      keyChanged: (date) =>
        `Der Schlüssel des Protokolls hat sich geändert: Dieser Browser kennt das Protokoll seit ${date} unter einem anderen Schlüssel.`,
      forkShrunk: (size, seenSize, date) =>
        `Der Prüfpunkt der Größe ${size} ist kleiner als der Prüfpunkt der Größe ${seenSize}, den dieser Browser am ${date} gesehen hat.`,
      forkRootDiffers: (size, date) =>
        `Der Prüfpunkt der Größe ${size} hat einen anderen Wurzel-Hash als der, den dieser Browser am ${date} gesehen hat.`,
      forkProofMismatch: (size, seenSize, date) =>
        `Der Konsistenzbeweis des Servers passt nicht zum Prüfpunkt der Größe ${size} und zu dem der Größe ${seenSize}, den dieser Browser am ${date} gesehen hat.`,
      forkInconsistent: (size, seenSize, date, reason) =>
        `Der Prüfpunkt der Größe ${size} setzt den Prüfpunkt der Größe ${seenSize}, den dieser Browser am ${date} gesehen hat, nicht fort: ${reason}`,
      unexpected: (reason) => `Etwas Unerwartetes ist schiefgegangen: ${reason}`,
    },
  },
  notFound: {
    title: 'Seite nicht gefunden',
    text: 'Unter dieser Adresse gibt es keine Seite.',
    home: 'Zum öffentlichen Protokoll',
  },
};
