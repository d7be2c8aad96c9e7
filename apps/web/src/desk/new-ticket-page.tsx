import { TicketPriority, type PendingTicket } from '@allmende/protocol';
import { useId, useState, type FormEvent } from 'react';
import { failureOf, type ApiFailure } from '../api/client.ts';
import { fetchServices } from '../api/coop.ts';
import { askForTicket, fetchDeskInfo, openTicket } from '../api/desk.ts';
import { useSession } from '../auth/session.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { Link, navigate } from '../router.tsx';
import { useDocumentTitle } from '../ui/document-title.ts';
import { FailureNotice, SignInPrompt } from '../ui/feedback.tsx';
import { SelectField, TextField } from '../ui/form.tsx';
import { ticketPath } from '../ui/paths.ts';
import { useApi } from '../ui/use-api.ts';

export function NewTicketPage() {
  const { t } = useI18n();
  const d = t.desk;
  useDocumentTitle(d.newTitle);
  const { session, state } = useSession();
  return (
    <>
      <p className="breadcrumb">
        <Link to="/desk">
          <span aria-hidden="true">← </span>
          {d.backToDesk}
        </Link>
      </p>
      <h1>{d.newTitle}</h1>
      <p className="lead">{d.newIntro}</p>
      {session ? <NewTicketForm /> : state.status === 'loading' ? null : <VisitorChoice />}
    </>
  );
}

/** Without an account: a ticket by e-mail address where the desk sends mail, else its address. */
function VisitorChoice() {
  const { t } = useI18n();
  const d = t.desk;
  const info = useApi('desk', fetchDeskInfo);
  if (info.state.status !== 'ready') return <SignInPrompt text={d.signInToOpen} />;
  const { mailIn, mailOut, help } = info.state.data;
  if (!mailOut) {
    return (
      <>
        {mailIn && <p>{d.writeInstead(help)}</p>}
        <SignInPrompt text={d.signInToOpen} />
      </>
    );
  }
  return (
    <>
      <p>{d.visitorIntro}</p>
      <SignInPrompt text={d.orSignIn} />
      <NewTicketForm visitor />
    </>
  );
}

function NewTicketForm({ visitor = false }: { visitor?: boolean }) {
  const { t } = useI18n();
  const d = t.desk;
  const hintId = useId();
  const services = useApi('services', fetchServices);
  const [title, setTitle] = useState('');
  const [service, setService] = useState(
    () => new URLSearchParams(window.location.search).get('service') ?? '',
  );
  const [body, setBody] = useState('');
  const [priority, setPriority] = useState<TicketPriority>('normal');
  const [secret, setSecret] = useState(false);
  const [email, setEmail] = useState('');
  const [titleError, setTitleError] = useState<string>();
  const [emailError, setEmailError] = useState<string>();
  const [failure, setFailure] = useState<ApiFailure>();
  const [sending, setSending] = useState(false);
  const [pending, setPending] = useState<PendingTicket>();

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (sending) return;
    const missingTitle = !/\S/.test(title);
    const missingEmail = visitor && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email.trim());
    setTitleError(missingTitle ? d.titleMissing : undefined);
    setEmailError(missingEmail ? d.emailMissing : undefined);
    if (missingTitle || missingEmail) return;
    setFailure(undefined);
    setSending(true);
    const ticket = {
      title: title.trim().normalize('NFC'),
      body: body.normalize('NFC'),
      service: service || null,
      private: secret,
      priority,
    };
    try {
      if (visitor) {
        setPending(await askForTicket({ ...ticket, email: email.trim() }));
        setSending(false);
        return;
      }
      navigate(ticketPath((await openTicket(ticket)).id));
    } catch (error) {
      setFailure(failureOf(error));
      setSending(false);
    }
  }

  if (pending) {
    return (
      <div className="notice" role="status">
        <p className="notice-heading">{d.pendingTitle}</p>
        <p>{d.pendingText(pending.email)}</p>
      </div>
    );
  }
  const list = services.state.status === 'ready' ? services.state.data.services : [];
  return (
    <form className="card form-card" onSubmit={(event) => void submit(event)} noValidate>
      {visitor && (
        <TextField
          label={d.email}
          hint={d.emailHint}
          type="email"
          value={email}
          onChange={setEmail}
          error={emailError}
          required
          autoComplete="email"
          maxLength={254}
        />
      )}
      <TextField
        label={d.ticketTitle}
        value={title}
        onChange={setTitle}
        error={titleError}
        required
        maxLength={200}
      />
      <SelectField
        label={d.service}
        value={service}
        options={[
          { value: '', label: d.noService },
          ...list
            .filter((s) => s.status !== 'retired' || s.slug === service)
            .map((s) => ({ value: s.slug, label: s.name })),
          ...(service && !list.some((s) => s.slug === service)
            ? [{ value: service, label: service }]
            : []),
        ]}
        onChange={setService}
      />
      <TextField
        label={d.body}
        hint={d.bodyHint}
        value={body}
        onChange={setBody}
        multiline
        rows={8}
      />
      <SelectField
        label={d.priority}
        value={priority}
        options={TicketPriority.options.map((value) => ({
          value,
          label: d.priorities[value],
        }))}
        onChange={setPriority}
      />
      <div className="choice">
        <input
          id={`${hintId}-private`}
          type="checkbox"
          checked={secret}
          aria-describedby={hintId}
          onChange={(event) => setSecret(event.target.checked)}
        />
        <span>
          <label htmlFor={`${hintId}-private`}>
            <strong>{d.privateLabel}</strong>
          </label>
          <span id={hintId} className="choice-hint">
            {d.privateHint}
          </span>
        </span>
      </div>
      {failure && <FailureNotice failure={failure} />}
      <div className="actions">
        <button type="submit" className="button button-primary" aria-disabled={sending}>
          {sending ? d.sending : d.submit}
        </button>
      </div>
    </form>
  );
}
