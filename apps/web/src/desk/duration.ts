/** A span of time in the largest unit that keeps it readable: minutes, hours, then days. */
export type Duration = { unit: 'minutes' | 'hours' | 'days'; n: number };

export function roughDuration(seconds: number): Duration {
  const minutes = Math.max(1, Math.round(seconds / 60));
  if (minutes < 120) return { unit: 'minutes', n: minutes };
  const hours = Math.round(minutes / 60);
  if (hours < 48) return { unit: 'hours', n: hours };
  return { unit: 'days', n: Math.round(hours / 24) };
}
