/** Sums per currency: costs in different currencies are not added up. */
export type Money = { amount: number; currency: string };

export function totals(hosts: readonly { monthlyCost: Money }[]): Money[] {
  const sums = new Map<string, number>();
  for (const host of hosts) {
    sums.set(
      host.monthlyCost.currency,
      (sums.get(host.monthlyCost.currency) ?? 0) + host.monthlyCost.amount,
    );
  }
  return [...sums]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, amount]) => ({ amount, currency }));
}

/** Reads "12,50" or "12.50" as 1250 cents; undefined for anything else. */
export function parseCents(text: string): number | undefined {
  const match = /^\s*(\d{1,7})(?:[.,](\d{1,2}))?\s*$/.exec(text);
  if (!match?.[1]) return undefined;
  return Number(match[1]) * 100 + Number((match[2] ?? '0').padEnd(2, '0'));
}
