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
  /** A calendar day (`2025-03-01`), not a moment: shown as written, in no time zone. */
  formatDay: (day: string) => string;
  /** An amount in the currency's smallest unit (cents), e.g. a host's monthly cost. */
  formatMoney: (money: { amount: number; currency: string }) => string;
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
    const days = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' });
    return {
      locale,
      t: CATALOGUES[locale],
      setLocale,
      formatNumber: (n) => numbers.format(n),
      formatDateTime: (iso, style = 'short') =>
        dates[style].format(typeof iso === 'string' ? new Date(iso) : iso),
      formatTime: (date) => times.format(date),
      formatDay: (day) => {
        const date = new Date(`${day}T00:00:00Z`);
        return Number.isNaN(date.getTime()) ? day : days.format(date);
      },
      formatMoney: ({ amount, currency }) => formatMoney(locale, amount, currency),
    };
  }, [locale, setLocale]);

  return <I18nContext value={value}>{children}</I18nContext>;
}

function formatMoney(locale: Locale, amount: number, currency: string): string {
  try {
    const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
    return format.format(amount / 10 ** digits);
  } catch {
    // A currency code this browser does not know: the amount in cents, and the code.
    return `${new Intl.NumberFormat(locale).format(amount / 100)} ${currency}`;
  }
}

export function useI18n(): I18n {
  const i18n = use(I18nContext);
  if (!i18n) throw new Error('useI18n needs an I18nProvider');
  return i18n;
}
