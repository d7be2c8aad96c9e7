import {
  normalizeHandle,
  ServiceInfo,
  ServiceList,
  type Sensitivity,
  type ServiceStatus,
} from '@allmende/protocol';
import { segment } from '../api-client.ts';
import {
  badInput,
  type Command,
  flag,
  JSON_OUTPUT,
  optional,
  printJson,
  printList,
  repeated,
  required,
  SERVER,
  shown,
  STATEMENT,
  type Values,
} from '../cli.ts';
import { connect } from '../connection.ts';
import { proposeStatement } from '../proposals.ts';

const SERVICE_FIELDS = {
  name: { type: 'string' },
  description: { type: 'string' },
  sensitivity: { type: 'string' },
  status: { type: 'string' },
  address: { type: 'string', multiple: true },
  host: { type: 'string', multiple: true },
  doc: { type: 'string' },
} as const;
const FIELDS_SYNOPSIS =
  '[--description D] [--sensitivity public|private|critical] [--status planned|running|degraded|retired] [--address A]… [--host H]… [--doc PAGE]';

export const SERVICE_COMMANDS: Record<string, Command> = {
  'service list': {
    synopsis: 'service list [--server URL] [--json]',
    summary: "the cooperative's services and who looks after them",
    options: { ...SERVER, ...JSON_OUTPUT },
    args: 0,
    async run(values) {
      const { api } = await connect(values);
      const { services } = await api.get('/api/services', ServiceList);
      return printList(
        values,
        services,
        ['SLUG', 'NAME', 'SENSITIVITY', 'STATUS', 'RESPONSIBLE', 'HOSTS'],
        (s) => [
          s.slug,
          s.name,
          s.sensitivity,
          s.status,
          s.responsible ?? '(nobody)',
          s.hosts.join(', '),
        ],
      );
    },
  },
  'service show': {
    synopsis: 'service show SLUG [--server URL] [--json]',
    summary: 'one service: description, addresses, hosts, stewards',
    options: { ...SERVER, ...JSON_OUTPUT },
    args: 1,
    async run(values, [slug = '']) {
      const { api } = await connect(values);
      const service = await api.get(`/api/services/${segment(slug)}`, ServiceInfo);
      if (flag(values, 'json')) {
        printJson(service);
        return 0;
      }
      const lines = [
        `${service.slug}  ${service.name}`,
        `sensitivity: ${service.sensitivity}`,
        `status:      ${service.status}`,
        ...(service.description ? [`description: ${service.description}`] : []),
        `addresses:   ${service.addresses.join(', ') || '(none)'}`,
        `hosts:       ${service.hosts.join(', ') || '(none)'}`,
        `docs:        ${service.docPage ?? '(none)'}`,
        `responsible: ${service.responsible ?? '(nobody)'}`,
        `stewards:    ${
          service.stewards
            .map(
              (s) =>
                `${s.handle}${s.role === 'deputy' ? ' (deputy)' : ''}${s.away ? ' (away)' : ''}`,
            )
            .join(', ') || '(none)'
        }`,
        `created at index ${service.createdAt}`,
      ];
      console.log(lines.map(shown).join('\n'));
      return 0;
    },
  },
  'service create': {
    synopsis: `service create SLUG --name N ${FIELDS_SYNOPSIS} [--draft]`,
    summary: 'add a service to the catalogue (sensitivity private and status planned unless given)',
    options: { ...STATEMENT, ...SERVICE_FIELDS },
    args: 1,
    run: (values, [slug = '']) =>
      proposeStatement(values, 'service.created', () => ({
        slug,
        name: text(required(values, 'name')),
        description: text(optional(values, 'description') ?? ''),
        sensitivity: (optional(values, 'sensitivity') ?? 'private') as Sensitivity,
        status: (optional(values, 'status') ?? 'planned') as ServiceStatus,
        addresses: repeated(values, 'address'),
        docPage: optional(values, 'doc') || null,
        hosts: repeated(values, 'host'),
      })),
  },
  'service update': {
    synopsis: `service update SLUG [--name N] ${FIELDS_SYNOPSIS} [--no-address] [--no-host] [--no-doc] [--draft]`,
    summary: 'change a service; --address and --host replace the whole list',
    options: {
      ...STATEMENT,
      ...SERVICE_FIELDS,
      'no-address': { type: 'boolean' },
      'no-host': { type: 'boolean' },
      'no-doc': { type: 'boolean' },
    },
    args: 1,
    run: (values, [slug = '']) =>
      proposeStatement(values, 'service.updated', () => ({ slug, ...serviceChanges(values) })),
  },
  'service assign': {
    synopsis: 'service assign SLUG HANDLE [--deputy] [--draft]',
    summary: 'make a member steward (or deputy) of a service; if not you, they must sign',
    options: { ...STATEMENT, deputy: { type: 'boolean' } },
    args: 2,
    run: (values, [service = '', handle = '']) =>
      proposeStatement(values, 'steward.assigned', () => ({
        service,
        handle: normalizeHandle(handle),
        role: flag(values, 'deputy') ? ('deputy' as const) : ('steward' as const),
      })),
  },
  'service handover': {
    synopsis: 'service handover SLUG TO [--draft]',
    summary: 'hand your stewardship of a service over to another member (who must sign)',
    options: STATEMENT,
    args: 2,
    run: (values, [service = '', to = '']) =>
      proposeStatement(values, 'steward.handed-over', (me) => ({
        service,
        from: me,
        to: normalizeHandle(to),
      })),
  },
  'service resign': {
    synopsis: 'service resign SLUG [--draft]',
    summary: 'stop looking after a service',
    options: STATEMENT,
    args: 1,
    run: (values, [service = '']) =>
      proposeStatement(values, 'steward.resigned', (me) => ({ service, handle: me })),
  },
  'service away': {
    synopsis: 'service away [--until YYYY-MM-DD] [--draft]',
    summary: 'say you are away: your deputies answer for your services',
    options: { ...STATEMENT, until: { type: 'string' } },
    args: 0,
    run: (values) => {
      const until = optional(values, 'until');
      return proposeStatement(values, 'steward.away', (me) => ({
        handle: me,
        away: true,
        ...(until !== undefined && { until }),
      }));
    },
  },
  'service back': {
    synopsis: 'service back [--draft]',
    summary: 'say you are back',
    options: STATEMENT,
    args: 0,
    run: (values) =>
      proposeStatement(values, 'steward.away', (me) => ({ handle: me, away: false })),
  },
};

function text(value: string): string {
  return value.normalize('NFC');
}

function serviceChanges(values: Values) {
  const name = optional(values, 'name');
  const description = optional(values, 'description');
  const sensitivity = optional(values, 'sensitivity') as Sensitivity | undefined;
  const status = optional(values, 'status') as ServiceStatus | undefined;
  const addresses = repeated(values, 'address');
  const hosts = repeated(values, 'host');
  const doc = optional(values, 'doc');
  if (flag(values, 'no-address') && addresses.length > 0) {
    throw badInput('--address and --no-address contradict each other');
  }
  if (flag(values, 'no-host') && hosts.length > 0) {
    throw badInput('--host and --no-host contradict each other');
  }
  if (flag(values, 'no-doc') && doc !== undefined) {
    throw badInput('--doc and --no-doc contradict each other');
  }
  return {
    ...(name !== undefined && { name: text(name) }),
    ...(description !== undefined && { description: text(description) }),
    ...(sensitivity !== undefined && { sensitivity }),
    ...(status !== undefined && { status }),
    ...((addresses.length > 0 || flag(values, 'no-address')) && { addresses }),
    ...((hosts.length > 0 || flag(values, 'no-host')) && { hosts }),
    ...((doc !== undefined || flag(values, 'no-doc')) && { docPage: doc || null }),
  };
}
