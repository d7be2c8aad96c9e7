export const LOCALES = ['en', 'de'] as const;
export type Locale = (typeof LOCALES)[number];

/** Names of the languages in themselves, as the switcher shows them. */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', de: 'Deutsch' };

export const LOCALE_STORAGE_KEY = 'allmende.locale';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/**
 * A member's own choice wins; otherwise the first of the browser's languages that we speak
 * (matched on the primary subtag, so `de-AT` is German); otherwise English.
 */
export function chooseLocale(stored: string | null, languages: readonly string[]): Locale {
  if (isLocale(stored)) return stored;
  for (const tag of languages) {
    const primary = tag.split('-')[0]?.toLowerCase();
    if (isLocale(primary)) return primary;
  }
  return 'en';
}
