import { TicketPriority } from '@allmende/protocol';
import { useId, useState, type FormEvent } from 'react';
import { failureOf, type ApiFailure } from '../api/client.ts';
import { fetchServices } from '../api/coop.ts';
import { openTicket } from '../api/desk.ts';
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
      {session ? (
        <NewTicketForm />
      ) : state.status === 'loading' ? null : (
        <SignInPrompt text={d.signInToOpen} />
      )}
    </>
  );
}

function NewTicketForm() {
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
  const [titleError, setTitleError] = useState<string>();
  const [failure, setFailure] = useState<ApiFailure>();
  const [sending, setSending] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (sending) return;
    if (!/\S/.test(title)) {
      setTitleError(d.titleMissing);
      return;
    }
    setTitleError(undefined);
    setFailure(undefined);
    setSending(true);
    try {
      const ticket = await openTicket({
        title: title.trim().normalize('NFC'),
        body: body.normalize('NFC'),
        service: service || null,
        private: secret,
        priority,
      });
      navigate(ticketPath(ticket.id));
    } catch (error) {
      setFailure(failureOf(error));
      setSending(false);
    }
  }

  const list = services.state.status === 'ready' ? services.state.data.services : [];
  return (
    <form className="card form-card" onSubmit={(event) => void submit(event)} noValidate>
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
