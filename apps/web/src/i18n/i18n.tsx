import {
  createContext,
  use,
  useCallback,
  useEffect,
  useMemo,
  useState,
  type ReactNode,
} from 'react';
import { de } from './de.ts';
import { en } from './en.ts';
import { chooseLocale, LOCALE_STORAGE_KEY, type Locale } from './locale.ts';
import type { Messages } from './messages.ts';

const CATALOGUES: Record<Locale, Messages> = { en, de };

/** short: lists; precise: to the second; long: the full date, spelled out. */
export type DateStyle = 'short' | 'precise' | 'long';

export type I18n = {
  locale: Locale;
  t: Messages;
  setLocale: (locale: Locale) => void;
  formatNumber: (n: number) => string;
  formatDateTime: (iso: string | Date, style?: DateStyle) => string;
  formatTime: (date: Date) => string;
};

const I18nContext = createContext<I18n | null>(null);

function readStoredLocale(): string | null {
  try {
    return window.localStorage.getItem(LOCALE_STORAGE_KEY);
  } catch {
    // Storage can be disabled (private modes, strict settings); the browser's language still works.
    return null;
  }
}

function storeLocale(locale: Locale): void {
  try {
    window.localStorage.setItem(LOCALE_STORAGE_KEY, locale);
  } catch {
    // Not remembered across visits, but the switch still applies now.
  }
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(() =>
    chooseLocale(readStoredLocale(), navigator.languages),
  );

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  const setLocale = useCallback((next: Locale) => {
    storeLocale(next);
    setLocaleState(next);
  }, []);

  const value = useMemo<I18n>(() => {
    const numbers = new Intl.NumberFormat(locale);
    const dates = {
      short: new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }),
      precise: new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' }),
      long: new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'medium' }),
    };
    const times = new Intl.DateTimeFormat(locale, { timeStyle: 'medium' });
    return {
      locale,
      t: CATALOGUES[locale],
      setLocale,
      formatNumber: (n) => numbers.format(n),
      formatDateTime: (iso, style = 'short') =>
        dates[style].format(typeof iso === 'string' ? new Date(iso) : iso),
      formatTime: (date) => times.format(date),
    };
  }, [locale, setLocale]);

  return <I18nContext value={value}>{children}</I18nContext>;
}

export function useI18n(): I18n {
  const i18n = use(I18nContext);
  if (!i18n) throw new Error('useI18n needs an I18nProvider');
  return i18n;
}
