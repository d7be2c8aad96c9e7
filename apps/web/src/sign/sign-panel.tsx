import type { MemberInfo, SignedPart, StatementSignature } from '@allmende/protocol';
import { useEffect, useId, useRef, useState } from 'react';
import { fetchCoop, fetchMember } from '../api/coop.ts';
import { useI18n } from '../i18n/i18n.tsx';
import type { Messages } from '../i18n/messages.ts';
import { StatementBody } from '../log/statement-body.tsx';
import { summarize } from '../log/statement-text.ts';
import { ErrorNotice, Loaded } from '../ui/feedback.tsx';
import { useApi } from '../ui/use-api.ts';
import { digestHex, signedText } from './draft.ts';
import { signWithPasskey, signingErrorOf, type SigningProblem } from './passkey.ts';
import { checkPastedSignature, sshSignCommand, type PastedSignature } from './ssh.ts';

/** The keys a member can sign with now: credential IDs of passkeys, SSH public keys. */
export type SignerKeys = { passkeys: string[]; ssh: string[] };

export function currentKeys(member: MemberInfo): SignerKeys {
  const keys = member.keys.filter((k) => k.revokedAt === null).map((k) => k.key);
  return {
    passkeys: keys.flatMap((k) => (k.kind === 'passkey' ? [k.credentialId] : [])),
    ssh: keys.flatMap((k) => (k.kind === 'ssh' ? [k.publicKey] : [])),
  };
}

type SignPanelProps = {
  part: SignedPart;
  signer: string;
  /** The signer's keys; loaded from the member's page when not given. */
  keys?: SignerKeys;
  /** The passkey button's text, when "Sign with my passkey" is not the right one. */
  passkeyLabel?: string;
  /** Receives the signature and sends it; shows its own failures, never rejects. */
  onSigned: (signature: StatementSignature) => Promise<void>;
  onCancel?: () => void;
  busy?: boolean;
  /** Where the page shows the statement in full already: only the plain-words line here. */
  compact?: boolean;
  /** The level of the panel's heading: 3 inside a card that has its own. */
  level?: 2 | 3;
};

/**
 * What a member sees before signing: the statement in plain words, every field it holds, and
 * the exact text behind the digest. Never a blind "approve": the signature is consent that goes
 * into the public log for good.
 */
export function SignPanel(props: SignPanelProps) {
  const { t } = useI18n();
  const id = useId();
  const { part, signer, keys, compact = false, level = 2 } = props;
  const Heading = level === 2 ? 'h2' : 'h3';
  const member = useApi(keys ? '' : `member:${signer}`, (signal) =>
    keys ? Promise.resolve(null) : fetchMember(signer, signal),
  );
  const actions = keys ? (
    <SignActions {...props} keys={keys} />
  ) : (
    <Loaded state={member.state} onRetry={member.reload}>
      {(info) => <SignActions {...props} keys={info ? currentKeys(info) : noKeys} />}
    </Loaded>
  );
  if (compact) {
    return (
      <div className="sign-panel sign-panel-compact">
        <p>
          {t.sign.youSign} <strong>{summarize(part, t)}</strong>
        </p>
        {actions}
      </div>
    );
  }
  return (
    <section className="sign-panel" aria-labelledby={`${id}-heading`}>
      <Heading id={`${id}-heading`} className="sign-heading">
        {t.sign.heading}
      </Heading>
      <p className="muted small">{t.sign.explain}</p>
      <StatementPreview part={part} />
      {actions}
    </section>
  );
}

const noKeys: SignerKeys = { passkeys: [], ssh: [] };

/** A statement as its signers see it, drafted or proposed. */
export function StatementPreview({ part }: { part: SignedPart }) {
  const { t } = useI18n();
  const id = useId();
  return (
    <>
      <p className="sign-summary">{summarize(part, t)}</p>
      <dl className="facts facts-stacked">
        <div>
          <dt>{t.entry.type}</dt>
          <dd>
            {t.statement.types[part.type]} <code>{part.type}</code>
          </dd>
        </div>
        <div>
          <dt>{t.entry.actor}</dt>
          <dd>
            <code>{part.actor}</code>
          </dd>
        </div>
        <StatementBody statement={part} />
      </dl>
      <details className="exact-text">
        <summary>{t.sign.exactText}</summary>
        <pre className="json" tabIndex={0} aria-labelledby={`${id}-exact`}>
          {signedText(part)}
        </pre>
        <p id={`${id}-exact`} className="muted small">
          {t.sign.digest} <code className="hash">{digestHex(part)}</code>
        </p>
      </details>
    </>
  );
}

function SignActions({
  part,
  signer,
  keys,
  passkeyLabel,
  onSigned,
  onCancel,
  busy = false,
  level = 2,
}: SignPanelProps & { keys: SignerKeys }) {
  const { t } = useI18n();
  const [working, setWorking] = useState(false);
  const [problem, setProblem] = useState<string>();
  const [sshOpen, setSshOpen] = useState(keys.passkeys.length === 0);
  const sshId = useId();

  async function signPasskey() {
    if (working || busy) return;
    setWorking(true);
    setProblem(undefined);
    let signature: StatementSignature;
    try {
      signature = await signWithPasskey(part, signer, keys.passkeys);
    } catch (error) {
      const failure = signingErrorOf(error);
      setProblem(describeSigningProblem(failure.problem, failure.message, t));
      setWorking(false);
      return;
    }
    try {
      await onSigned(signature);
    } finally {
      setWorking(false);
    }
  }

  const disabled = working || busy;
  return (
    <>
      {problem && <ErrorNotice message={problem} />}
      {keys.passkeys.length === 0 && keys.ssh.length === 0 && (
        <ErrorNotice message={t.sign.problems.noKeys} />
      )}
      <div className="actions">
        {keys.passkeys.length > 0 && (
          <button
            type="button"
            className="button button-primary"
            aria-disabled={disabled}
            onClick={() => void signPasskey()}
          >
            {working ? t.sign.signing : (passkeyLabel ?? t.sign.withPasskey)}
          </button>
        )}
        {keys.ssh.length > 0 && keys.passkeys.length > 0 && (
          <button
            type="button"
            className="button"
            aria-expanded={sshOpen}
            aria-controls={sshId}
            onClick={() => setSshOpen((open) => !open)}
          >
            {t.sign.withSsh}
          </button>
        )}
        {onCancel && (
          <button type="button" className="button button-quiet" onClick={onCancel}>
            {t.sign.cancel}
          </button>
        )}
      </div>
      {keys.ssh.length > 0 && sshOpen && (
        <SshSigning
          id={sshId}
          part={part}
          signer={signer}
          sshKeys={keys.ssh}
          onSigned={onSigned}
          busy={busy}
          intro={keys.passkeys.length === 0 ? t.sign.noPasskeyHint : undefined}
          level={level}
        />
      )}
    </>
  );
}

export function describeSigningProblem(
  problem: SigningProblem,
  detail: string,
  t: Messages,
): string {
  switch (problem) {
    case 'cancelled':
      return t.sign.problems.cancelled;
    case 'unsupported':
      return t.sign.problems.unsupported;
    case 'no-passkey':
      return t.sign.problems.noPasskey;
    case 'failed':
      return t.sign.problems.failed(detail);
  }
}

function SshSigning({
  id,
  part,
  signer,
  sshKeys,
  onSigned,
  busy,
  intro,
  level,
}: {
  level: 2 | 3;
  id: string;
  part: SignedPart;
  signer: string;
  sshKeys: string[];
  onSigned: (signature: StatementSignature) => Promise<void>;
  busy: boolean;
  intro: string | undefined;
}) {
  const { t } = useI18n();
  const coop = useApi('coop', fetchCoop);
  const [text, setText] = useState('');
  const [checking, setChecking] = useState(false);
  const [problem, setProblem] = useState<string>();
  const fieldId = useId();
  const download = useRef<string | null>(null);

  useEffect(
    () => () => {
      if (download.current) URL.revokeObjectURL(download.current);
    },
    [],
  );

  function saveStatement() {
    if (download.current) URL.revokeObjectURL(download.current);
    download.current = URL.createObjectURL(
      new Blob([signedText(part)], { type: 'application/json' }),
    );
    const link = document.createElement('a');
    link.href = download.current;
    link.download = STATEMENT_FILE;
    link.click();
  }

  async function submit(namespace: string) {
    if (checking || busy) return;
    setChecking(true);
    setProblem(undefined);
    try {
      const checked = await checkPastedSignature(text, part, namespace, sshKeys, signer);
      if (!checked.ok) {
        setProblem(describePasted(checked, t));
        return;
      }
      await onSigned({ kind: 'ssh', signer, signature: checked.armored });
    } finally {
      setChecking(false);
    }
  }

  return (
    <div className="ssh-signing" id={id}>
      {level === 2 ? <h3>{t.sign.sshHeading}</h3> : <h4>{t.sign.sshHeading}</h4>}
      {intro && <p>{intro}</p>}
      <Loaded state={coop.state} onRetry={coop.reload}>
        {(info) => (
          <form
            onSubmit={(event) => {
              event.preventDefault();
              void submit(info.namespace);
            }}
          >
            <ol className="steps-list">
              <li>
                <p>{t.sign.sshSave}</p>
                <button type="button" className="button" onClick={saveStatement}>
                  {t.sign.sshDownload(STATEMENT_FILE)}
                </button>
              </li>
              <li>
                <p>{t.sign.sshRun}</p>
                <pre className="command">
                  <code>{sshSignCommand(info.namespace, STATEMENT_FILE)}</code>
                </pre>
                <p className="muted small">{t.sign.sshOrCli}</p>
                <pre className="command">
                  <code>{`allmende sign ${STATEMENT_FILE}`}</code>
                </pre>
              </li>
              <li>
                <label htmlFor={fieldId}>{t.sign.sshPaste(`${STATEMENT_FILE}.sig`)}</label>
                <textarea
                  id={fieldId}
                  className="signature-field"
                  rows={7}
                  spellCheck={false}
                  autoComplete="off"
                  value={text}
                  onChange={(event) => setText(event.target.value)}
                  placeholder="-----BEGIN SSH SIGNATURE-----"
                  required
                />
              </li>
            </ol>
            {problem && <ErrorNotice message={problem} />}
            <button
              type="submit"
              className="button button-primary"
              aria-disabled={checking || busy}
            >
              {checking || busy ? t.sign.sending : t.sign.sshSubmit}
            </button>
          </form>
        )}
      </Loaded>
    </div>
  );
}

const STATEMENT_FILE = 'statement.json';

function describePasted(checked: Extract<PastedSignature, { ok: false }>, t: Messages): string {
  switch (checked.problem) {
    case 'not-a-signature':
      return t.sign.problems.notASignature(checked.detail);
    case 'wrong-statement':
      return t.sign.problems.wrongStatement(checked.detail);
    case 'not-your-key':
      return t.sign.problems.notYourKey;
  }
}
