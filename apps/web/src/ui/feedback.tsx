import type { ReactNode } from 'react';
import type { ApiFailure } from '../api/client.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { Link } from '../router.tsx';
import { loginPath } from './paths.ts';
import { describeFailure } from './problems.ts';
import type { ApiState } from './use-api.ts';

export function Loading({ label }: { label?: string }) {
  const { t } = useI18n();
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      {label ?? t.app.loading}
    </p>
  );
}

export function ErrorNotice({ message, onRetry }: { message: string; onRetry?: () => void }) {
  const { t } = useI18n();
  return (
    <div className="notice notice-error" role="alert">
      <p>{message}</p>
      {onRetry && (
        <button type="button" className="button" onClick={onRetry}>
          {t.app.retry}
        </button>
      )}
    </div>
  );
}

/**
 * Why a request failed. A statement the cooperative's rules refuse names the rule it breaks,
 * so that a member can tell "not enough vouches" from "not your key".
 */
export function FailureNotice({ failure, onRetry }: { failure: ApiFailure; onRetry?: () => void }) {
  const { t } = useI18n();
  if (failure.kind === 'http' && failure.code === 'STATEMENT_REFUSED') {
    return (
      <div className="notice notice-error" role="alert">
        <p className="notice-heading">{t.errors.refused}</p>
        {failure.message && <p>{failure.message}</p>}
        {failure.rule && (
          <p>
            {t.errors.rule} <code>{failure.rule}</code>
          </p>
        )}
      </div>
    );
  }
  return <ErrorNotice message={describeFailure(failure, t)} {...(onRetry ? { onRetry } : {})} />;
}

/** The loading and failure states of something a page loads; its content once it is there. */
export function Loaded<T>({
  state,
  onRetry,
  children,
}: {
  state: ApiState<T>;
  onRetry?: () => void;
  children: (data: T) => ReactNode;
}) {
  switch (state.status) {
    case 'loading':
      return <Loading />;
    case 'error':
      return <FailureNotice failure={state.failure} {...(onRetry ? { onRetry } : {})} />;
    case 'ready':
      return <>{children(state.data)}</>;
  }
}

/** Shown where only members can act: a way to sign in and come back. */
export function SignInPrompt({ text }: { text: string }) {
  return (
    <p className="sign-in-prompt">
      <Link to={loginPath(window.location.pathname)}>{text}</Link>
    </p>
  );
}
