import { useEffect } from 'react';

export const APP_NAME = 'Allmende';

/** Each page names itself in the tab and to screen readers after navigation. */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · ${APP_NAME}`;
  }, [title]);
}
