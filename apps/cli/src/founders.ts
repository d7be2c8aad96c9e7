import { dirname } from 'node:path';
import { DisplayName, Email, Handle, normalizeHandle, type MemberKey } from '@allmende/protocol';
import type { FounderInput } from '@allmende/server';
import type { z } from 'zod';
import { badInput, CliError } from './cli.ts';
import { parseDocument, readInput } from './input.ts';
import { keyId, readMemberKey } from './member-keys.ts';

// The founders of a new cooperative, from `allmende init --founder SPEC` and `--founders FILE`.
// Each founder is checked field by field, and an error names the founder and the field.

const FIELDS = ['handle', 'name', 'email', 'key'] as const;

/** A founder as written, before anything is checked; keys are lines or paths. */
export type FounderDraft = {
  /** Where it was written, for error messages: "--founder 1", "founders.toml: founder 2". */
  source: string;
  handle?: string;
  name?: string;
  email?: string;
  keys: string[];
  /** Relative key paths are read from here. */
  baseDir: string;
};

/**
 * `handle=alice,name=Alice Example,email=alice@example.org,key=PATH_OR_KEYLINE`. A comma ends a
 * field only where the next field begins, so names may hold commas; `key` may be repeated.
 * @throws {CliError} CLI_BAD_INPUT for unknown or repeated fields.
 */
export function parseFounderSpec(spec: string, source: string, baseDir = '.'): FounderDraft {
  const draft: FounderDraft = { source, keys: [], baseDir };
  const parts = spec.split(/,(?=\s*[A-Za-z]+=)/);
  for (const part of parts) {
    const match = /^\s*([A-Za-z]+)=(.*)$/s.exec(part);
    if (match === null) {
      throw badInput(
        `${source}: expected field=value, got ${JSON.stringify(part)} (fields: ${FIELDS.join(', ')})`,
      );
    }
    const field = match[1]!.toLowerCase();
    const value = match[2]!.trim();
    if (field === 'key') {
      draft.keys.push(value);
    } else if (field === 'handle' || field === 'name' || field === 'email') {
      if (draft[field] !== undefined) throw badInput(`${source}: ${field} is given twice`);
      draft[field] = value;
    } else {
      throw badInput(`${source}: unknown field "${match[1]}" (fields: ${FIELDS.join(', ')})`);
    }
  }
  return draft;
}

/**
 * A TOML (or JSON) file of `[[founder]]` tables with handle, name, email and key (a string or a
 * list); relative key paths are read from the file's folder.
 * @throws {CliError} CLI_BAD_INPUT
 */
export async function readFoundersFile(path: string): Promise<FounderDraft[]> {
  const document = parseDocument(await readInput(path), path);
  const list = (document as { founder?: unknown }).founder;
  if (!Array.isArray(list) || list.length === 0) {
    throw badInput(`${path} names no founders: write one [[founder]] table for each`);
  }
  return list.map((entry: unknown, i) => {
    const source = `${path}: founder ${i + 1}`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw badInput(`${source} is not a table`);
    }
    const draft: FounderDraft = { source, keys: [], baseDir: dirname(path) };
    for (const [field, value] of Object.entries(entry)) {
      if (field === 'key' || field === 'keys') {
        const keys: unknown[] = Array.isArray(value) ? value : [value];
        if (!keys.every((k): k is string => typeof k === 'string')) {
          throw badInput(`${source}: ${field} is a string or a list of strings`);
        }
        draft.keys.push(...keys);
      } else if (field === 'handle' || field === 'name' || field === 'email') {
        if (typeof value !== 'string') throw badInput(`${source}: ${field} is a string`);
        draft[field] = value;
      } else {
        throw badInput(`${source}: unknown field "${field}" (fields: ${FIELDS.join(', ')})`);
      }
    }
    return draft;
  });
}

/**
 * Checks each founder and reads its keys: handles by NFKC and lower case (normalizeHandle), and
 * no handle or key twice among the founders.
 * @throws {CliError} CLI_BAD_INPUT naming the founder and the field.
 */
export async function resolveFounders(drafts: readonly FounderDraft[]): Promise<FounderInput[]> {
  const founders: FounderInput[] = [];
  const handles = new Map<string, string>();
  const keys = new Map<string, string>();
  for (const draft of drafts) {
    const label = draft.handle ? `${draft.source} (${draft.handle})` : draft.source;
    const field = <T>(name: string, schema: z.ZodType<T>, value: string | undefined): T => {
      if (value === undefined || value === '') throw badInput(`${label}: ${name} is missing`);
      const parsed = schema.safeParse(value);
      if (!parsed.success) {
        throw badInput(
          `${label}: ${name} ${JSON.stringify(value)}: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
        );
      }
      return parsed.data;
    };
    const handle = field('handle', Handle, draft.handle && normalizeHandle(draft.handle));
    const name = field('name', DisplayName, draft.name?.normalize('NFC').trim());
    const email = field('email', Email, draft.email?.trim());
    const earlier = handles.get(handle);
    if (earlier !== undefined) {
      throw badInput(
        `${label}: the handle "${handle}" is already ${earlier}'s (handles are compared after NFKC and lower case)`,
      );
    }
    handles.set(handle, draft.source);

    if (draft.keys.length === 0) {
      throw badInput(
        `${label}: key is missing: give an ssh-ed25519 public key (key=~/.ssh/id_ed25519.pub)`,
      );
    }
    const memberKeys: MemberKey[] = [];
    for (const text of draft.keys) {
      let key: MemberKey;
      try {
        key = await readMemberKey(text, draft.baseDir);
      } catch (error) {
        if (!(error instanceof CliError)) throw error;
        throw badInput(`${label}: key: ${error.message}`, error);
      }
      const id = await keyId(key);
      const holder = keys.get(id);
      if (holder !== undefined) {
        throw badInput(
          `${label}: the key ${id} is already ${holder === label ? 'given' : `${holder}'s`}`,
        );
      }
      keys.set(id, label);
      memberKeys.push(key);
    }
    if (!memberKeys.some((key) => key.kind === 'ssh')) {
      throw badInput(`${label}: key: at least one ssh-ed25519 key is needed, to sign statements`);
    }
    if (memberKeys.length > 8) throw badInput(`${label}: key: at most 8 keys`);
    founders.push({ handle, name, email, keys: memberKeys });
  }
  return founders;
}
