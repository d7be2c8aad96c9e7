import { useI18n } from './i18n/i18n.tsx';
import { Link } from './router.tsx';
import { useDocumentTitle } from './ui/document-title.ts';

export function NotFoundPage() {
  const { t } = useI18n();
  useDocumentTitle(t.notFound.title);
  return (
    <>
      <h1>{t.notFound.title}</h1>
      <p>{t.notFound.text}</p>
      <p>
        <Link to="/log">{t.notFound.home}</Link>
      </p>
    </>
  );
}
