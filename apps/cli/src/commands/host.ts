import { EnrolmentToken, HostInfo, HostList } from '@allmende/protocol';
import { segment } from '../api-client.ts';
import {
  type Command,
  flag,
  JSON_OUTPUT,
  optional,
  printJson,
  printList,
  required,
  SERVER,
  shown,
  STATEMENT,
} from '../cli.ts';
import { connect } from '../connection.ts';
import { formatCost, parseCost } from '../cost.ts';
import { proposeStatement } from '../proposals.ts';

const HOST_FIELDS = {
  address: { type: 'string' },
  provider: { type: 'string' },
  location: { type: 'string' },
  cost: { type: 'string' },
} as const;

export const HOST_COMMANDS: Record<string, Command> = {
  'host list': {
    synopsis: 'host list [--server URL] [--json]',
    summary: "the cooperative's hosts, where they are and what they cost",
    options: { ...SERVER, ...JSON_OUTPUT },
    args: 0,
    async run(values) {
      const { api } = await connect(values);
      const { hosts } = await api.get('/api/hosts', HostList);
      return printList(
        values,
        hosts,
        ['NAME', 'ADDRESS', 'PROVIDER', 'LOCATION', 'PER MONTH', 'SERVICES'],
        (h) => [
          h.name,
          h.address,
          h.provider,
          h.location,
          formatCost(h.monthlyCost),
          h.services.join(', '),
        ],
      );
    },
  },
  'host show': {
    synopsis: 'host show NAME [--server URL] [--json]',
    summary: 'one host',
    options: { ...SERVER, ...JSON_OUTPUT },
    args: 1,
    async run(values, [name = '']) {
      const { api } = await connect(values);
      const host = await api.get(`/api/hosts/${segment(name)}`, HostInfo);
      if (flag(values, 'json')) {
        printJson(host);
        return 0;
      }
      const lines = [
        host.name,
        `address:  ${host.address}`,
        `provider: ${host.provider}`,
        `location: ${host.location}`,
        `cost:     ${formatCost(host.monthlyCost)} a month`,
        `services: ${host.services.join(', ') || '(none)'}`,
        `added at index ${host.addedAt}`,
      ];
      console.log(lines.map(shown).join('\n'));
      return 0;
    },
  },
  'host enrol': {
    synopsis: 'host enrol NAME [--server URL] [--json]',
    summary: "make a single-use token (valid for an hour) with which the host's agent enrols",
    options: { ...SERVER, ...JSON_OUTPUT },
    args: 1,
    async run(values, [name = '']) {
      const { api } = await connect(values);
      const token = await api.post(`/api/hosts/${segment(name)}/enrol`, {}, EnrolmentToken);
      if (flag(values, 'json')) printJson(token);
      else
        console.log(`Run on ${token.host} as root, before ${token.expiresAt}:\n  ${token.command}`);
      return 0;
    },
  },
  'host add': {
    synopsis: 'host add NAME --address A --provider P --location L --cost 12.50EUR [--draft]',
    summary: 'record a host the cooperative runs (the cost is monthly)',
    options: { ...STATEMENT, ...HOST_FIELDS },
    args: 1,
    async run(values, [name = '']) {
      const monthlyCost = parseCost(required(values, 'cost'));
      return proposeStatement(values, 'host.added', () => ({
        name,
        address: required(values, 'address'),
        provider: required(values, 'provider').normalize('NFC'),
        location: required(values, 'location').normalize('NFC'),
        monthlyCost,
      }));
    },
  },
  'host update': {
    synopsis: 'host update NAME [--address A] [--provider P] [--location L] [--cost C] [--draft]',
    summary: "change a host's record",
    options: { ...STATEMENT, ...HOST_FIELDS },
    args: 1,
    async run(values, [name = '']) {
      const cost = optional(values, 'cost');
      const address = optional(values, 'address');
      const provider = optional(values, 'provider');
      const location = optional(values, 'location');
      return proposeStatement(values, 'host.updated', () => ({
        name,
        ...(address !== undefined && { address }),
        ...(provider !== undefined && { provider: provider.normalize('NFC') }),
        ...(location !== undefined && { location: location.normalize('NFC') }),
        ...(cost !== undefined && { monthlyCost: parseCost(cost) }),
      }));
    },
  },
};
