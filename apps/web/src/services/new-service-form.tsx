import {
  normalizeHandle,
  SENSITIVITIES,
  SERVICE_STATUSES,
  ServiceCreated,
  type Sensitivity,
  type ServiceStatus,
} from '@allmende/protocol';
import { useState, type FormEvent } from 'react';
import { fetchHosts } from '../api/coop.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { draftStatement, type DraftOf } from '../sign/draft.ts';
import { ProposeStatement } from '../sign/propose.tsx';
import { issuesByField, SelectField, TextField } from '../ui/form.tsx';
import { useApi } from '../ui/use-api.ts';

/** Lines of a text area, without blanks. */
export function lines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}

/** Drafts a `service.created` statement from a form, then has the member sign it. */
export function NewServiceForm({
  handle,
  onDone,
  onCancel,
}: {
  handle: string;
  onDone: () => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const s = t.services;
  const hosts = useApi('hosts', fetchHosts);
  const [slug, setSlug] = useState('');
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [sensitivity, setSensitivity] = useState<Sensitivity>('private');
  const [status, setStatus] = useState<ServiceStatus>('running');
  const [addresses, setAddresses] = useState('');
  const [docPage, setDocPage] = useState('');
  const [chosenHosts, setChosenHosts] = useState<string[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [draft, setDraft] = useState<DraftOf<'service.created'>>();

  const normalized = normalizeHandle(slug);

  function review(event: FormEvent) {
    event.preventDefault();
    const body = ServiceCreated.shape.body.safeParse({
      slug: normalized,
      name: name.trim().normalize('NFC'),
      description: description.trim().normalize('NFC'),
      sensitivity,
      status,
      addresses: lines(addresses),
      docPage: docPage.trim() || null,
      hosts: chosenHosts,
    });
    if (!body.success) {
      setErrors(issuesByField(body.error.issues));
      return;
    }
    setErrors({});
    setDraft(draftStatement('service.created', handle, body.data));
  }

  if (draft) {
    return (
      <ProposeStatement
        level={3}
        part={draft}
        signer={handle}
        onDone={onDone}
        onCancel={() => setDraft(undefined)}
      />
    );
  }
  return (
    <form onSubmit={review} noValidate>
      <TextField
        label={s.slug}
        hint={normalized && normalized !== slug ? s.slugNormalized(normalized) : s.slugHint}
        error={errors.slug}
        value={slug}
        onChange={setSlug}
        required
        autoComplete="off"
        spellCheck={false}
      />
      <TextField label={s.name} error={errors.name} value={name} onChange={setName} required />
      <TextField
        label={s.description}
        error={errors.description}
        value={description}
        onChange={setDescription}
        multiline
        maxLength={2000}
      />
      <fieldset className="choices">
        <legend>{s.sensitivity}</legend>
        {SENSITIVITIES.map((level) => (
          <label key={level} className="choice">
            <input
              type="radio"
              name="sensitivity"
              value={level}
              checked={sensitivity === level}
              onChange={() => setSensitivity(level)}
            />
            <span>
              <strong>{t.coop.sensitivities[level]}</strong>
              <span className="choice-hint">{t.coop.sensitivityHints[level]}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <SelectField
        label={s.status}
        value={status}
        options={SERVICE_STATUSES.map((value) => ({ value, label: t.coop.statuses[value] }))}
        onChange={setStatus}
      />
      <TextField
        label={s.addresses}
        hint={s.addressesHint}
        error={errors.addresses}
        value={addresses}
        onChange={setAddresses}
        multiline
        rows={3}
        spellCheck={false}
      />
      <TextField
        label={s.docPage}
        hint={s.docPageHint}
        error={errors.docPage}
        value={docPage}
        onChange={setDocPage}
        autoComplete="off"
        spellCheck={false}
      />
      {hosts.state.status === 'ready' && hosts.state.data.hosts.length > 0 && (
        <fieldset className="choices">
          <legend>{s.hosts}</legend>
          {hosts.state.data.hosts.map((host) => (
            <label key={host.name} className="choice">
              <input
                type="checkbox"
                checked={chosenHosts.includes(host.name)}
                onChange={(event) =>
                  setChosenHosts((chosen) =>
                    event.target.checked
                      ? [...chosen, host.name]
                      : chosen.filter((h) => h !== host.name),
                  )
                }
              />
              <span>
                <code>{host.name}</code>{' '}
                <span className="choice-hint">
                  {host.provider}, {host.location}
                </span>
              </span>
            </label>
          ))}
        </fieldset>
      )}
      <div className="actions">
        <button type="submit" className="button button-primary">
          {t.sign.review}
        </button>
        <button type="button" className="button button-quiet" onClick={onCancel}>
          {t.sign.cancel}
        </button>
      </div>
    </form>
  );
}
