import { Handle, normalizeHandle, type MemberKey, type Proposal } from '@allmende/protocol';
import { startRegistration } from '@simplewebauthn/browser';
import { useState, type FormEvent } from 'react';
import { registerPasskey, registrationOptions } from '../api/auth.ts';
import { ApiError, failureOf, type ApiFailure } from '../api/client.ts';
import { checkInvitation } from '../api/coop.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { draftStatement, type DraftOf } from '../sign/draft.ts';
import { signingErrorOf } from '../sign/passkey.ts';
import { ProposalOutcome, ProposeStatement } from '../sign/propose.tsx';
import { describeSigningProblem } from '../sign/sign-panel.tsx';
import { useDocumentTitle } from '../ui/document-title.ts';
import { ErrorNotice, FailureNotice, Loaded } from '../ui/feedback.tsx';
import { TextField } from '../ui/form.tsx';
import { useApi } from '../ui/use-api.ts';

type Candidate = { handle: string; name: string; email: string };
type Application = { candidate: Candidate; key: MemberKey; draft: DraftOf<'member.admitted'> };

/**
 * The candidate's way in: choose a handle, make a passkey, and sign the application with it.
 * Members then vouch for it by signing the same statement; it is logged once enough have.
 */
export function JoinPage({ code }: { code: string }) {
  const { t } = useI18n();
  const j = t.join;
  const invitation = useApi(`invitation:${code}`, (signal) => checkInvitation(code, signal));
  const coopName = invitation.state.status === 'ready' ? invitation.state.data.coop : undefined;
  useDocumentTitle(coopName ? j.title(coopName) : j.titlePlain);
  const [application, setApplication] = useState<Application>();
  const [proposal, setProposal] = useState<Proposal>();
  const key = application?.key;

  return (
    <>
      <h1>{coopName ? j.title(coopName) : j.titlePlain}</h1>
      {invitation.state.status === 'error' &&
      invitation.state.failure.kind === 'http' &&
      invitation.state.failure.status < 500 ? (
        <ErrorNotice message={j.invalid} />
      ) : (
        <Loaded state={invitation.state} onRetry={invitation.reload}>
          {(check) => (
            <>
              <p className="lead">
                {check.invitedBy
                  ? j.invitedBy(check.invitedByName, check.invitedBy, check.coop)
                  : j.invitedByCoop(check.coop)}
              </p>
              <ol className="join-steps">
                <li aria-current={!key ? 'step' : undefined}>{j.stepAbout}</li>
                <li aria-current={key && !proposal ? 'step' : undefined}>{j.stepSign}</li>
                <li aria-current={proposal ? 'step' : undefined}>{j.stepVouches}</li>
              </ol>
              {proposal ? (
                <section className="card" aria-labelledby="sent-heading">
                  <h2 id="sent-heading">{j.sentHeading}</h2>
                  <p>{j.sentText(check.invitedByName)}</p>
                  <ProposalOutcome proposal={proposal} />
                </section>
              ) : application ? (
                <section className="card">
                  <p>{j.passkeyCreated}</p>
                  <ProposeStatement
                    part={application.draft}
                    signer={application.candidate.handle}
                    keys={{
                      passkeys:
                        application.key.kind === 'passkey' ? [application.key.credentialId] : [],
                      ssh: [],
                    }}
                    email={application.candidate.email}
                    passkeyLabel={j.signApplication}
                    onDone={setProposal}
                  />
                </section>
              ) : (
                <CandidateForm
                  code={code}
                  onRegistered={(candidate, newKey) =>
                    setApplication({
                      candidate,
                      key: newKey,
                      // Drafted once: the member reviews and signs this very statement.
                      draft: draftStatement('member.admitted', candidate.handle, {
                        handle: candidate.handle,
                        name: candidate.name,
                        keys: [newKey],
                        invitation: check.digest,
                      }),
                    })
                  }
                />
              )}
            </>
          )}
        </Loaded>
      )}
    </>
  );
}

function CandidateForm({
  code,
  onRegistered,
}: {
  code: string;
  onRegistered: (candidate: Candidate, key: MemberKey) => void;
}) {
  const { t } = useI18n();
  const j = t.join;
  const [handle, setHandle] = useState('');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [errors, setErrors] = useState<Partial<Record<keyof Candidate, string>>>({});
  const [working, setWorking] = useState(false);
  const [failure, setFailure] = useState<ApiFailure>();
  const [problem, setProblem] = useState<string>();

  const normalized = normalizeHandle(handle);
  const handleValid = Handle.safeParse(normalized).success;

  async function register(event: FormEvent) {
    event.preventDefault();
    if (working) return;
    const found: Partial<Record<keyof Candidate, string>> = {};
    if (!handleValid) found.handle = j.handleInvalid;
    if (!name.trim()) found.name = j.nameMissing;
    if (!/^[^\s@]+@[^\s@]+$/.test(email.trim())) found.email = j.emailInvalid;
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const candidate = {
      handle: normalized,
      name: name.trim().normalize('NFC'),
      email: email.trim(),
    };
    setWorking(true);
    setFailure(undefined);
    setProblem(undefined);
    try {
      const optionsJSON = await registrationOptions({
        invitation: code,
        handle: candidate.handle,
        name: candidate.name,
      });
      const response = await startRegistration({ optionsJSON });
      onRegistered(candidate, await registerPasskey(response));
    } catch (error) {
      if (error instanceof ApiError) setFailure(failureOf(error));
      else {
        const signing = signingErrorOf(error);
        setProblem(describeSigningProblem(signing.problem, signing.message, t));
      }
    } finally {
      setWorking(false);
    }
  }

  return (
    <section className="card form-card" aria-labelledby="about-heading">
      <h2 id="about-heading">{j.aboutHeading}</h2>
      <form onSubmit={(event) => void register(event)} noValidate>
        <TextField
          label={j.handle}
          hint={
            <>
              {j.handleHint}{' '}
              {normalized && (
                <span aria-live="polite">
                  {j.handleBecomes} <code className="handle-preview">{normalized}</code>
                </span>
              )}
            </>
          }
          error={errors.handle}
          value={handle}
          onChange={setHandle}
          required
          autoComplete="username"
          spellCheck={false}
        />
        <TextField
          label={j.name}
          hint={j.nameHint}
          error={errors.name}
          value={name}
          onChange={setName}
          required
          autoComplete="name"
        />
        <TextField
          label={j.email}
          hint={j.emailHint}
          error={errors.email}
          value={email}
          onChange={setEmail}
          type="email"
          required
          autoComplete="email"
        />
        <p className="muted small">{j.passkeyExplain}</p>
        {failure && <FailureNotice failure={failure} />}
        {problem && <ErrorNotice message={problem} />}
        <button type="submit" className="button button-primary" aria-disabled={working}>
          {working ? j.creatingPasskey : j.createPasskey}
        </button>
      </form>
    </section>
  );
}
