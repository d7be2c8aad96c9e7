import type { CoopState } from '@allmende/rules';
import type { Schema } from '../db/schema.ts';

/** The rows of the cooperative's tables, as the state of the log defines them. */
export type ProjectionRows = {
  members: Schema['members'][];
  member_keys: Schema['member_keys'][];
  services: Schema['services'][];
  stewards: Schema['stewards'][];
  hosts: Schema['hosts'][];
  service_hosts: Schema['service_hosts'][];
  policies: Schema['policies'][];
};

export const PROJECTION_TABLES = [
  'members',
  'member_keys',
  'services',
  'stewards',
  'hosts',
  'service_hosts',
  'policies',
] as const satisfies readonly (keyof ProjectionRows)[];

/**
 * The tables are a view of the state, for queries that join them with the rest (tickets by
 * steward, hosts by service). Sorted, so that two projections compare equal row by row.
 */
export function projectionRows(state: CoopState): ProjectionRows {
  const byKey =
    <T>(key: (row: T) => string) =>
    (a: T, b: T) =>
      key(a).localeCompare(key(b));
  const members = Object.values(state.members).sort(byKey((m) => m.handle));
  const services = Object.values(state.services).sort(byKey((s) => s.slug));
  return {
    members: members.map((m) => ({
      handle: m.handle,
      name: m.name,
      status: m.status,
      admitted_at: m.admittedAt,
      left_at: m.leftAt,
      away: m.away ? 1 : 0,
      away_until: m.awayUntil,
    })),
    member_keys: members
      .flatMap((m) =>
        m.keys.map((k) => ({
          id: k.id,
          handle: m.handle,
          kind: k.key.kind,
          key: JSON.stringify(k.key),
          added_at: k.addedAt,
          revoked_at: k.revokedAt,
        })),
      )
      .sort(byKey((k) => k.id)),
    services: services.map((s) => ({
      slug: s.slug,
      name: s.name,
      description: s.description,
      sensitivity: s.sensitivity,
      status: s.status,
      addresses: JSON.stringify(s.addresses),
      doc_page: s.docPage,
      created_at: s.createdAt,
    })),
    stewards: services.flatMap((s) =>
      s.stewards.map((steward, position) => ({
        service: s.slug,
        handle: steward.handle,
        role: steward.role,
        position,
      })),
    ),
    hosts: Object.values(state.hosts)
      .sort(byKey((h) => h.name))
      .map((h) => ({
        name: h.name,
        address: h.address,
        provider: h.provider,
        location: h.location,
        cost_amount: h.monthlyCost.amount,
        cost_currency: h.monthlyCost.currency,
        added_at: h.addedAt,
      })),
    service_hosts: services.flatMap((s) =>
      [...s.hosts].sort().map((host) => ({ service: s.slug, host })),
    ),
    policies: [{ id: 1, policy: JSON.stringify(state.policy), set_at: state.policySetAt }],
  };
}
