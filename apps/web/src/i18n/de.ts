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
  },
  nav: { log: 'Protokoll' },
  errors: {
    network:
      'Der Server ist nicht erreichbar. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.',
    badReply: 'Der Server hat eine Antwort geschickt, die diese Anwendung nicht versteht.',
    httpStatus: (status) => `Der Server hat mit Status ${status} geantwortet.`,
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
    types: { 'coop.founded': 'Kooperative gegründet', notice: 'Mitteilung' },
    coopActor: 'die Kooperative',
    founded: (name) => `${name} wurde gegründet.`,
    fields: {
      name: 'Name',
      origin: 'Protokoll-Herkunft',
      logKey: 'Protokollschlüssel',
      text: 'Text',
    },
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
