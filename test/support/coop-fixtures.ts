import type { SignedPart } from '@allmende/protocol';

type BodyOf<T extends SignedPart['type']> = Extract<SignedPart, { type: T }>['body'];

/** A rented host as `host.added` describes it; `fields` replace the defaults. */
export function hostBody(
  name: string,
  fields: Partial<BodyOf<'host.added'>> = {},
): BodyOf<'host.added'> {
  return {
    name,
    address: `${name}.coop.test`,
    provider: 'Hetzner',
    location: 'Falkenstein',
    monthlyCost: { amount: 990, currency: 'EUR' },
    ...fields,
  };
}

/**
 * A running service that holds members' private data, as `service.created` describes it: its
 * hosts are under guarded administration.
 */
export function privateServiceBody(
  service: Pick<BodyOf<'service.created'>, 'slug' | 'name'> & Partial<BodyOf<'service.created'>>,
): BodyOf<'service.created'> {
  // Slug and name first, as clients write them: the server's state keeps a body's order, and
  // tests compare it with a replay of the log.
  const { slug, name, ...fields } = service;
  return {
    slug,
    name,
    description: '',
    sensitivity: 'private',
    status: 'running',
    addresses: [],
    docPage: null,
    hosts: [],
    ...fields,
  };
}
