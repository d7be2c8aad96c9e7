import { WatchMessage, type SessionInfo, type TranscriptRecord } from '@allmende/protocol';
import { Terminal } from '@xterm/xterm';
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { failureOf } from '../api/client.ts';
import { endSession, fetchSession, fetchTranscript, watchUrl } from '../api/sessions.ts';
import { useSession } from '../auth/session.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { Link } from '../router.tsx';
import { useDocumentTitle } from '../ui/document-title.ts';
import { ErrorNotice, FailureNotice, Loaded, SignInPrompt } from '../ui/feedback.tsx';
import { entryPath, memberPath, ticketPath } from '../ui/paths.ts';
import { useApi } from '../ui/use-api.ts';
import { openTranscript, typedText } from './transcript.ts';

/**
 * A terminal that only shows: whatever colours the host's shell chooses, xterm.js adjusts them
 * to a contrast of at least 4.5:1 (WCAG AA) against the background.
 */
const TERMINAL_OPTIONS = { disableStdin: true, rows: 24, cols: 80, minimumContrastRatio: 4.5 };

/** One session: what the log and the server know of it, watching it live, its replay. */
export function SessionPage({ id }: { id: string }) {
  const { t } = useI18n();
  const loaded = useApi(`session:${id}`, (signal) => fetchSession(id, signal));
  const [live, setLive] = useState<SessionInfo | undefined>();
  const session = live ?? (loaded.state.status === 'ready' ? loaded.state.data : undefined);
  useDocumentTitle(
    session ? t.sessions.sessionTitle(session.host, session.principal) : t.sessions.title,
  );
  return (
    <Loaded state={loaded.state} onRetry={loaded.reload}>
      {() =>
        session && (
          <>
            <p>
              <Link to="/sessions">{t.sessions.title}</Link>
            </p>
            <h1>{t.sessions.sessionTitle(session.host, session.principal)}</h1>
            <SessionFacts session={session} />
            {session.state !== 'ended' && (
              <WatchSection session={session} onChange={setLive} onEnded={loaded.reload} />
            )}
            {session.pieces > 0 && <ReplaySection session={session} />}
          </>
        )
      }
    </Loaded>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function SessionFacts({ session }: { session: SessionInfo }) {
  const { t, formatDateTime, formatNumber } = useI18n();
  const s = t.sessions;
  const reason = session.endReason && s.reasons[session.endReason];
  return (
    <dl className="facts">
      <Fact label={s.state}>
        {reason
          ? session.endedBy
            ? s.endedBy(reason, session.endedBy)
            : reason
          : s.states[session.state]}
      </Fact>
      <Fact label={s.kind}>{s.kinds[session.kind]}</Fact>
      <Fact label={s.command}>
        {session.command === null ? s.commandSealed : <code>{session.command}</code>}
      </Fact>
      <Fact label={s.requester}>
        {session.requester ? (
          <Link to={memberPath(session.requester)}>{session.requester}</Link>
        ) : (
          '–'
        )}
      </Fact>
      <Fact label={s.request}>
        <code>{session.request}</code>
        {session.ticket !== null && (
          <>
            {' · '}
            <Link to={ticketPath(session.ticket)}>
              {s.ticket} #{session.ticket}
            </Link>
          </>
        )}
      </Fact>
      <Fact label={s.serial}>
        <code>{session.serial}</code>
      </Fact>
      <Fact label={s.started}>
        <time dateTime={session.startedAt}>{formatDateTime(session.startedAt, 'long')}</time>
      </Fact>
      {session.endedAt && (
        <Fact label={s.ended}>
          <time dateTime={session.endedAt}>{formatDateTime(session.endedAt, 'long')}</time>
        </Fact>
      )}
      <Fact label={s.observers}>
        {session.observers.length > 0 ? session.observers.join(', ') : '–'}
        {session.observerRequired && <> ({s.observerRequired})</>}
      </Fact>
      <Fact label={s.recipients}>{session.recipients.join(', ')}</Fact>
      <Fact label={s.volume}>
        {s.bytes(formatNumber(session.inputBytes), formatNumber(session.outputBytes))}
      </Fact>
      <Fact label={s.logEntries}>
        {session.startedIndex !== null && (
          <Link to={entryPath(session.startedIndex)}>#{session.startedIndex}</Link>
        )}
        {session.endedIndex !== null && (
          <>
            {' … '}
            <Link to={entryPath(session.endedIndex)}>#{session.endedIndex}</Link>
          </>
        )}
      </Fact>
    </dl>
  );
}

/** A live session in xterm.js, fed by the observers' channel; members may end it. */
function WatchSection({
  session,
  onChange,
  onEnded,
}: {
  session: SessionInfo;
  onChange: (session: SessionInfo) => void;
  onEnded: () => void;
}) {
  const { t } = useI18n();
  const { session: member } = useSession();
  const [watching, setWatching] = useState(false);
  const [closed, setClosed] = useState(false);
  const [ending, setEnding] = useState(false);
  const [error, setError] = useState<unknown>();
  const screen = useRef<HTMLDivElement>(null);
  const s = t.sessions;

  useEffect(() => {
    if (!watching || !screen.current) return;
    const terminal = new Terminal({ ...TERMINAL_OPTIONS, convertEol: false });
    terminal.open(screen.current);
    const socket = new WebSocket(watchUrl(session.id));
    socket.binaryType = 'arraybuffer';
    socket.onmessage = (event: MessageEvent<ArrayBuffer | string>) => {
      if (typeof event.data !== 'string') {
        terminal.write(new Uint8Array(event.data));
        return;
      }
      let value: unknown;
      try {
        value = JSON.parse(event.data);
      } catch {
        return;
      }
      const message = WatchMessage.safeParse(value);
      if (!message.success) return;
      if (message.data.t === 'resize') terminal.resize(message.data.cols, message.data.rows);
      else if (message.data.t === 'session') onChange(message.data.session);
      else onEnded();
    };
    socket.onclose = () => setClosed(true);
    return () => {
      socket.close();
      terminal.dispose();
    };
  }, [watching, session.id, onChange, onEnded]);

  if (!member) {
    return (
      <section className="card" aria-labelledby="watch-heading">
        <h2 id="watch-heading">{s.watchHeading}</h2>
        <SignInPrompt text={s.signInToWatch} />
      </section>
    );
  }
  async function end() {
    if (!window.confirm(s.confirmEnd)) return;
    setEnding(true);
    try {
      onChange(await endSession(session.id));
      onEnded();
    } catch (failure) {
      setError(failure);
    } finally {
      setEnding(false);
    }
  }
  return (
    <section className="card" aria-labelledby="watch-heading">
      <h2 id="watch-heading">{s.watchHeading}</h2>
      <p className="muted">{s.watchIntro}</p>
      <div className="actions">
        <button type="button" className="button" onClick={() => setWatching((w) => !w)}>
          {watching ? s.stopWatching : s.watch}
        </button>
        <button
          type="button"
          className="button button-danger"
          onClick={() => void end()}
          disabled={ending}
        >
          {ending ? s.ending : s.end}
        </button>
      </div>
      {error !== undefined && <FailureNotice failure={failureOf(error)} />}
      {watching && (
        <>
          <p className="visually-hidden" aria-live="polite">
            {closed ? s.watchFailed : s.watching}
          </p>
          <div
            ref={screen}
            className="session-terminal"
            role="group"
            aria-label={s.terminalLabel}
          />
        </>
      )}
    </section>
  );
}

/** Replays a sealed transcript, opened with the member's age identity in this browser only. */
function ReplaySection({ session }: { session: SessionInfo }) {
  const { t } = useI18n();
  const { session: member } = useSession();
  const [records, setRecords] = useState<TranscriptRecord[] | undefined>();
  const [problem, setProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const screen = useRef<HTMLDivElement>(null);
  const s = t.sessions;

  useEffect(() => {
    if (!records || !screen.current) return;
    const terminal = new Terminal(TERMINAL_OPTIONS);
    terminal.open(screen.current);
    for (const record of records) {
      if (record.kind === 'output' || record.kind === 'error') terminal.write(record.data);
      else if (record.kind === 'resize') terminal.resize(record.cols, record.rows);
    }
    return () => terminal.dispose();
  }, [records]);

  if (!member) return null;
  async function replay(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const file = new FormData(event.currentTarget).get('identity');
    if (!(file instanceof File)) return;
    setBusy(true);
    setProblem(undefined);
    try {
      const [identity, sealed] = await Promise.all([file.text(), fetchTranscript(session.id)]);
      setRecords(await openTranscript(sealed, identity));
    } catch (error) {
      setProblem(s.replayFailed(error instanceof Error ? error.message : String(error)));
    } finally {
      setBusy(false);
    }
  }
  return (
    <section className="card" aria-labelledby="replay-heading">
      <h2 id="replay-heading">{s.replayHeading}</h2>
      <p className="muted">{s.replayIntro}</p>
      <form onSubmit={(event) => void replay(event)}>
        <label htmlFor="identity">{s.identityLabel}</label>
        <p className="field-hint" id="identity-hint">
          {s.identityHint}
        </p>
        <input
          id="identity"
          name="identity"
          type="file"
          aria-describedby="identity-hint"
          required
        />
        <div className="actions">
          <button type="submit" className="button" disabled={busy}>
            {busy ? s.decrypting : s.replay}
          </button>
          <a href={`/api/sessions/${encodeURIComponent(session.id)}/transcript`} download>
            {s.download}
          </a>
        </div>
      </form>
      {problem && <ErrorNotice message={problem} />}
      {records && (
        <>
          <div
            ref={screen}
            className="session-terminal"
            role="group"
            aria-label={s.terminalLabel}
          />
          <h3>{s.typedHeading}</h3>
          <pre className="session-typed">{typedText(records)}</pre>
        </>
      )}
    </section>
  );
}
