import { HostAdded, type HostInfo } from '@allmende/protocol';
import { useState, type FormEvent } from 'react';
import { fetchHosts } from '../api/coop.ts';
import { useSession } from '../auth/session.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import { Link } from '../router.tsx';
import { draftStatement, type DraftOf } from '../sign/draft.ts';
import { ProposeStatement } from '../sign/propose.tsx';
import { useDocumentTitle } from '../ui/document-title.ts';
import { Loaded, SignInPrompt } from '../ui/feedback.tsx';
import { issuesByField, TextField } from '../ui/form.tsx';
import { servicePath } from '../ui/paths.ts';
import { useApi } from '../ui/use-api.ts';
import { parseCents, totals } from './cost.ts';

export function HostsPage() {
  const { t } = useI18n();
  useDocumentTitle(t.hosts.title);
  const { session } = useSession();
  const hosts = useApi('hosts', fetchHosts);
  const [adding, setAdding] = useState(false);
  return (
    <>
      <h1>{t.hosts.title}</h1>
      <p className="lead">{t.hosts.intro}</p>
      <Loaded state={hosts.state} onRetry={hosts.reload}>
        {({ hosts: list }) =>
          list.length === 0 ? <p>{t.hosts.none}</p> : <HostTable hosts={list} />
        }
      </Loaded>
      <section className="card form-card" aria-labelledby="new-host-heading">
        <h2 id="new-host-heading">{t.hosts.newHeading}</h2>
        {!session ? (
          <SignInPrompt text={t.hosts.signInToAdd} />
        ) : adding ? (
          <NewHostForm
            handle={session.handle}
            onDone={hosts.reload}
            onCancel={() => setAdding(false)}
          />
        ) : (
          <>
            <p className="muted">{t.hosts.newIntro}</p>
            <button type="button" className="button" onClick={() => setAdding(true)}>
              {t.hosts.newButton}
            </button>
          </>
        )}
      </section>
    </>
  );
}

function HostTable({ hosts }: { hosts: HostInfo[] }) {
  const { t, formatMoney } = useI18n();
  const h = t.hosts;
  return (
    <div className="table-wrap" role="region" aria-labelledby="hosts-caption" tabIndex={0}>
      <table className="table">
        <caption id="hosts-caption" className="visually-hidden">
          {h.tableCaption}
        </caption>
        <thead>
          <tr>
            {/* What a phone shows without scrolling comes first: the host and its cost. */}
            <th scope="col">{h.name}</th>
            <th scope="col" className="number">
              {h.monthlyCost}
            </th>
            <th scope="col">{h.services}</th>
            <th scope="col">{h.provider}</th>
            <th scope="col">{h.location}</th>
            <th scope="col">{h.address}</th>
          </tr>
        </thead>
        <tbody>
          {hosts.map((host) => (
            <tr key={host.name}>
              <th scope="row" className="nowrap">
                <code>{host.name}</code>
              </th>
              <td className="number">{formatMoney(host.monthlyCost)}</td>
              <td>
                {host.services.length === 0
                  ? t.statement.none
                  : host.services.map((slug, i) => (
                      <span key={slug}>
                        {i > 0 && ', '}
                        <Link to={servicePath(slug)}>{slug}</Link>
                      </span>
                    ))}
              </td>
              <td>{host.provider}</td>
              <td>{host.location}</td>
              <td>
                <code>{host.address}</code>
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{h.total}</th>
            <td className="number">
              {totals(hosts)
                .map((sum) => formatMoney(sum))
                .join(' + ')}
            </td>
            <td colSpan={4} />
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

function NewHostForm({
  handle,
  onDone,
  onCancel,
}: {
  handle: string;
  onDone: () => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const h = t.hosts;
  const [name, setName] = useState('');
  const [address, setAddress] = useState('');
  const [provider, setProvider] = useState('');
  const [location, setLocation] = useState('');
  const [cost, setCost] = useState('');
  const [currency, setCurrency] = useState('EUR');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [draft, setDraft] = useState<DraftOf<'host.added'>>();

  function review(event: FormEvent) {
    event.preventDefault();
    const amount = parseCents(cost);
    const body = HostAdded.shape.body.safeParse({
      name: name.trim().toLowerCase(),
      address: address.trim(),
      provider: provider.trim().normalize('NFC'),
      location: location.trim().normalize('NFC'),
      monthlyCost: { amount: amount ?? -1, currency: currency.trim().toUpperCase() },
    });
    const found = body.success ? {} : issuesByField(body.error.issues);
    if (amount === undefined) found.monthlyCost = h.costInvalid;
    if (!body.success || amount === undefined) {
      setErrors(found);
      return;
    }
    setErrors({});
    setDraft(draftStatement('host.added', handle, body.data));
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
        label={h.name}
        hint={h.nameHint}
        error={errors.name}
        value={name}
        onChange={setName}
        required
        autoComplete="off"
        spellCheck={false}
      />
      <TextField
        label={h.address}
        hint={h.addressHint}
        error={errors.address}
        value={address}
        onChange={setAddress}
        required
        autoComplete="off"
        spellCheck={false}
      />
      <TextField
        label={h.provider}
        error={errors.provider}
        value={provider}
        onChange={setProvider}
        required
      />
      <TextField
        label={h.location}
        error={errors.location}
        value={location}
        onChange={setLocation}
        required
      />
      <div className="field-row">
        <TextField
          label={h.monthlyCost}
          hint={h.costHint}
          error={errors.monthlyCost}
          value={cost}
          onChange={setCost}
          inputMode="decimal"
          required
        />
        <TextField
          label={h.currency}
          value={currency}
          onChange={setCurrency}
          maxLength={3}
          required
          autoComplete="off"
        />
      </div>
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
