import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import { parse as parseToml, TomlError } from 'smol-toml';
import { badInput, CliError } from './cli.ts';

/** Statements are at most 64 KiB; a file ten times that is a mistake, not a statement. */
export const MAX_INPUT_BYTES = 1024 * 1024;

/**
 * The text of a file, or of standard input for `-`, as UTF-8.
 * @throws {CliError} CLI_BAD_INPUT if it cannot be read, is too large or is not UTF-8.
 */
export async function readInput(path: string, maxBytes = MAX_INPUT_BYTES): Promise<string> {
  const name = path === '-' ? 'standard input' : path;
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    const stream =
      path === '-' ? process.stdin : (await open(path, 'r')).createReadStream({ autoClose: true });
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) {
        stream.destroy();
        throw badInput(`${name} is larger than ${maxBytes} bytes`);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw badInput(`cannot read ${name}: ${(error as Error).message}`, error);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch (error) {
    throw badInput(`${name} is not UTF-8 text`, error);
  }
}

/**
 * A JSON or TOML document: JSON when it begins with "{", TOML otherwise.
 * @throws {CliError} CLI_BAD_INPUT naming the file and the place of the syntax error.
 */
export function parseDocument(text: string, name: string): unknown {
  if (text.trimStart().startsWith('{')) {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw badInput(`${name} is not valid JSON: ${(error as Error).message}`, error);
    }
  }
  try {
    return parseToml(text);
  } catch (error) {
    const where = error instanceof TomlError ? ` (line ${error.line}, column ${error.column})` : '';
    const first = (error as Error).message.split('\n')[0];
    throw badInput(`${name} is neither JSON nor valid TOML${where}: ${first}`, error);
  }
}

/**
 * Asks a yes/no question on the terminal; anything but "y" or "yes" is no.
 * @throws {CliError} CLI_USAGE without a terminal, where only `--yes` can answer.
 */
export async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) {
    throw new CliError('CLI_USAGE', 'no terminal to ask on: pass --yes to sign without asking');
  }
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`${question} [y/N] `);
    return /^(y|yes)$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}
