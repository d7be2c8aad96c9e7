import { ticketOfAddress } from '../mail/incoming-mail.ts';

/**
 * The desk's mail addresses on the cooperative's mail domain: `help@…` for everything,
 * `<service>@…` per service, and `help+<ticket>@…` for answers to one ticket.
 */
export class DeskAddresses {
  readonly domain: string;
  readonly #local = 'help';

  constructor(domain: string) {
    this.domain = domain.toLowerCase();
  }

  get help(): string {
    return `${this.#local}@${this.domain}`;
  }

  ofTicket(id: number): string {
    return `${this.#local}+${id}@${this.domain}`;
  }

  /** What an address of ours means, or undefined for one that is not ours. */
  read(
    address: string,
    isService: (slug: string) => boolean,
  ): { ticket: number } | { service: string | null } | undefined {
    const [local = '', domain] = address.toLowerCase().split('@');
    if (domain !== this.domain) return undefined;
    if (local === this.#local) return { service: null };
    const ticket = ticketOfAddress(address, this.#local);
    if (ticket !== undefined) return { ticket };
    return isService(local) ? { service: local } : undefined;
  }
}
