import { writeFile } from 'node:fs/promises';
import { Handle, normalizeHandle } from '@allmende/protocol';
import { badInput, optional, SERVER, type Command } from '../cli.ts';
import { connect, cooperative, requireLogin, type Connection } from '../connection.ts';
import { readInput } from '../input.ts';
import { formatStatement, parseStatementDocument, signStatement } from '../statements.ts';

export const SIGN_COMMANDS: Record<string, Command> = {
  sign: {
    synopsis: 'sign FILE|- [--key PATH] [--namespace NS] [--signer H] [--out FILE] [--server URL]',
    summary:
      'add your SSH signature to a statement (a draft, a signed statement, or a proposal as JSON)',
    options: {
      ...SERVER,
      key: { type: 'string' },
      namespace: { type: 'string' },
      signer: { type: 'string' },
      out: { type: 'string' },
    },
    args: 1,
    async run(values, [file = '']) {
      const source = file === '-' ? 'standard input' : file;
      const { part, signatures } = parseStatementDocument(await readInput(file), source);
      // Offline with --namespace and --signer; otherwise the login and its server say.
      let connection: Connection | undefined;
      const server = async () => (connection ??= await connect(values));
      let signer: string;
      let key = optional(values, 'key');
      const signerOption = optional(values, 'signer');
      if (signerOption === undefined) {
        const login = requireLogin(await server());
        signer = login.handle;
        key ??= login.key;
      } else {
        signer = normalizeHandle(signerOption);
        if (!Handle.safeParse(signer).success) {
          throw badInput(`--signer ${signerOption}: not a handle`);
        }
      }
      if (signatures.some((s) => s.signer === signer)) {
        throw badInput(`${source} already holds a signature by ${signer}`);
      }
      const namespace =
        optional(values, 'namespace') ?? (await cooperative(await server())).statementNamespace;
      const signature = await signStatement(part, signer, namespace, key);
      const text = formatStatement(part, [...signatures, signature]);
      const out = optional(values, 'out');
      if (out === undefined) {
        process.stdout.write(text);
      } else {
        await writeFile(out, text);
        console.error(`signed by ${signer}: ${out}`);
      }
      return 0;
    },
  },
};
