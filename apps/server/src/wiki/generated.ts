import {
  witnessPolicy,
  type HostInfo,
  type PolicyInfo,
  type ServiceInfo,
} from '@allmende/protocol';
import type { CoopService } from '../coop/coop.service.ts';
import type { LogService } from '../log/log.service.ts';

/**
 * Pages that document the setup from live data, built at each request so that they cannot go
 * stale: the service catalogue, the hosts and their costs, the policies, the log. They are
 * Markdown like every page and rendered the same way; everything that comes from statements
 * (names, descriptions, addresses) is escaped, so that a service's name cannot inject markup.
 */

export const GENERATED_PREFIX = 'generated';

type Sources = { coop: CoopService; log: LogService };

const PAGES: Record<string, { title: string; build: (sources: Sources) => string }> = {
  generated: { title: 'Generated pages', build: index },
  'generated/services': { title: 'Services', build: ({ coop }) => services(coop.services()) },
  'generated/hosts': { title: 'Hosts', build: ({ coop }) => hosts(coop.hosts()) },
  'generated/policies': { title: 'Policies', build: ({ coop }) => policies(coop.policy()) },
  'generated/log': { title: 'The public log', build: log },
};

export function isGeneratedPath(path: string): boolean {
  return path === GENERATED_PREFIX || path.startsWith(`${GENERATED_PREFIX}/`);
}

export function generatedPaths(): { path: string; title: string }[] {
  return Object.entries(PAGES).map(([path, { title }]) => ({ path, title }));
}

/** The Markdown of a generated page, or undefined if there is no such page. */
export function generatedMarkdown(path: string, sources: Sources): string | undefined {
  return PAGES[path]?.build(sources);
}

function index(): string {
  return [
    '# Generated pages',
    '',
    'These pages are written by Allmende from the cooperative’s live data at every visit.',
    '',
    ...generatedPaths()
      .filter((p) => p.path !== GENERATED_PREFIX)
      .map((p) => `- [[${p.path}|${p.title}]]`),
  ].join('\n');
}

function services(list: ServiceInfo[]): string {
  const lines = ['# Services', ''];
  if (list.length === 0) lines.push('The cooperative runs no services yet.');
  for (const s of [...list].sort((a, b) => a.slug.localeCompare(b.slug))) {
    const stewards = s.stewards.map(
      (st) => `${text(st.handle)} (${st.role}${st.away ? ', away' : ''})`,
    );
    lines.push(
      `## ${text(s.name)} (\`${s.slug}\`)`,
      '',
      ...(s.description ? [text(s.description), ''] : []),
      `- Sensitivity: **${s.sensitivity}**`,
      `- Status: ${s.status}`,
      `- Stewards and deputies: ${stewards.join(', ') || 'none'}`,
      `- Responsible now: ${s.responsible ? text(s.responsible) : 'nobody'}`,
      `- Hosts: ${s.hosts.map(text).join(', ') || 'none'}`,
      `- Addresses: ${s.addresses.map((a) => `\`${code(a)}\``).join(', ') || 'none'}`,
      `- Documentation: ${s.docPage ? `[[${s.docPage}]]` : 'none'}`,
      `- Created by log entry ${s.createdAt}`,
      '',
    );
  }
  return lines.join('\n');
}

function hosts(list: HostInfo[]): string {
  const lines = ['# Hosts', ''];
  if (list.length === 0) return [...lines, 'The cooperative has no hosts yet.'].join('\n');
  lines.push(
    '| Host | Address | Provider | Location | Services | Monthly cost |',
    '| --- | --- | --- | --- | --- | ---: |',
  );
  const totals = new Map<string, number>();
  for (const h of [...list].sort((a, b) => a.name.localeCompare(b.name))) {
    const { amount, currency } = h.monthlyCost;
    totals.set(currency, (totals.get(currency) ?? 0) + amount);
    lines.push(
      `| ${cell(h.name)} | ${cell(h.address)} | ${cell(h.provider)} | ${cell(h.location)} | ${
        cell(h.services.join(', ')) || '–'
      } | ${money(amount, currency)} |`,
    );
  }
  lines.push(
    '',
    `**Total per month: ${[...totals].map(([currency, amount]) => money(amount, currency)).join(' + ')}**`,
  );
  return lines.join('\n');
}

function policies({ policy, setAt }: PolicyInfo): string {
  const access = (['public', 'private', 'critical'] as const).map((sensitivity) => {
    const p = policy.access[sensitivity];
    return `| ${sensitivity} | ${p.approvals} | ${p.observer ? 'yes' : 'no'} | ${p.maxCertificateMinutes} | ${p.commandLines} | ${p.fileTransfers ? 'yes' : 'no'} |`;
  });
  const g = policy.governance;
  return [
    '# Policies',
    '',
    `The policy in force was set by log entry ${setAt}.`,
    '',
    '## Access to hosts, by the sensitivity of their services',
    '',
    '| Sensitivity | Approvals | Observer | Longest certificate (minutes) | Command lines | File transfers |',
    '| --- | ---: | --- | ---: | --- | --- |',
    ...access,
    '',
    '## Governance: signatures needed',
    '',
    `- Admitting a member: ${g.admission} vouches`,
    `- Removing a member: ${g.removal}`,
    `- Changing the policy or lowering a sensitivity: ${g.policyChange}`,
    `- Revoking another member’s key: ${g.keyRevocation}`,
    `- Below ${g.smallCooperativeBelow} members, one signature suffices for each act`,
    '',
    '## Oversight group',
    '',
    policy.oversight === null
      ? 'Every member with an age recipient.'
      : policy.oversight.map(text).join(', ') || 'Nobody.',
    '',
    '## Witnesses',
    '',
    ...witnessLines(policy),
  ].join('\n');
}

function witnessLines(policy: PolicyInfo['policy']): string[] {
  const { witnesses, quorum } = witnessPolicy(policy);
  if (witnesses.length === 0)
    return ['None: the log’s checkpoints are signed by the server alone.'];
  return [
    `A checkpoint is trusted once ${quorum} of these ${witnesses.length} witnesses cosigned it:`,
    '',
    ...witnesses.map((w) => `- ${text(w.name)}: \`${code(w.url)}\`, key \`${code(w.key)}\``),
  ];
}

function log({ log }: Sources): string {
  const checkpoint = log.checkpoint;
  return [
    '# The public log',
    '',
    `- Origin: \`${code(log.origin)}\``,
    `- Entries: ${log.size}`,
    `- Latest checkpoint covers: ${checkpoint.size} entries`,
    `- Verifier key: \`${code(log.verifierKey)}\``,
    '',
    'The latest checkpoint (C2SP tlog-checkpoint, a signed note):',
    '',
    '~~~~',
    checkpoint.note.replace(/~~~~/g, '~ ~ ~ ~').trimEnd(),
    '~~~~',
    '',
    'Check it yourself: `allmende log verify <url>/log --key "<verifier key>"`.',
  ].join('\n');
}

/** Text from a statement, as Markdown that shows it literally, on one line. */
function text(value: string): string {
  return value.replace(/\s+/g, ' ').replace(/[\\`*_{}[\]()<>#+!|~&-]/g, (c) => `\\${c}`);
}

function cell(value: string): string {
  return text(value);
}

/** Inside a code span: backticks cannot be escaped there, so they become quotes. */
function code(value: string): string {
  return value.replace(/\s+/g, ' ').replace(/`/g, "'");
}

function money(amount: number, currency: string): string {
  return `${(amount / 100).toFixed(2)} ${currency}`;
}
