import { tryDecodeBase64Url } from '@allmende/bytes';
import { parsePublicKey, formatPublicKey } from '@allmende/ssh';
import { ALG_COSIGNATURE_V1, parseVerifierKey } from '@allmende/tlog';
import { parseCoseKey } from '@allmende/webauthn';
import { z } from 'zod';
import { parseAgeRecipient } from './age.ts';

/**
 * The cooperative's vocabulary: handles, member keys, signatures and policies — the parts that
 * statements in the log are made of. Everything here is public; contact data never is.
 */

/** Handles name members, services and hosts: lowercase ASCII, so that what one reads is what is signed. */
export const HANDLE_PATTERN = '[a-z0-9](?:[a-z0-9_-]{0,30}[a-z0-9])?';
const HANDLE = new RegExp(`^${HANDLE_PATTERN}$`);

export const Handle = z.string().regex(HANDLE, {
  message:
    'a handle is 1 to 32 lowercase letters, digits, "-" or "_", beginning and ending with a letter or digit',
});
export type Handle = z.infer<typeof Handle>;

/**
 * What people type becomes a handle by NFKC and lower case, so that "Ａlice" and "ALICE" are the
 * same handle as "alice" and can never be admitted beside it. The result still has to be a
 * valid handle.
 */
export function normalizeHandle(input: string): string {
  return input.normalize('NFKC').toLowerCase().trim();
}

/** A service's short name: the same rules as a member's handle. */
export const ServiceSlug = Handle;
/** A host's name, as in DNS: lowercase labels. */
export const HostName = z
  .string()
  .max(253)
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/, {
    message: 'a host name is lowercase DNS labels, e.g. "hetzner-1" or "db.coop.example"',
  });

/** Text that people read: NFC, no control characters, bounded. */
export function humanText(max: number, what: string) {
  return (
    z
      .string()
      .max(max, { message: `${what} is at most ${max} characters` })
      .refine((s) => s === s.normalize('NFC'), {
        message: `${what} must be NFC-normalised Unicode`,
      })
      // eslint-disable-next-line no-control-regex
      .refine((s) => !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(s), {
        message: `${what} contains control characters`,
      })
  );
}
export const DisplayName = humanText(100, 'a name').regex(/\S/, { message: 'a name is needed' });

const Base64Url = (max: number, what: string) =>
  z
    .string()
    .max(Math.ceil((max * 4) / 3), { message: `${what} is at most ${max} bytes` })
    .refine((s) => (tryDecodeBase64Url(s)?.length ?? 0) > 0, {
      message: `${what} must be non-empty unpadded base64url`,
    });

/**
 * An OpenSSH ssh-ed25519 public key in its canonical form (type and base64, no comment), so
 * that one key has one spelling in the log.
 */
export const SshPublicKeyLine = z.string().superRefine((line, ctx) => {
  try {
    const key = parsePublicKey(line);
    if (formatPublicKey({ ...key, comment: '' }) !== line) {
      ctx.addIssue({
        code: 'custom',
        message: 'write the key as "ssh-ed25519 <base64>", no comment',
      });
    }
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
});

/** A member's key, as the log records it. */
export const MemberKey = z.discriminatedUnion('kind', [
  /** Signs statements from the CLI (SSHSIG), proves possession at `allmende login`. */
  z.strictObject({ kind: z.literal('ssh'), publicKey: SshPublicKeyLine }),
  /** A WebAuthn credential: signs statements in the browser; its COSE key, for anyone to verify. */
  z.strictObject({
    kind: z.literal('passkey'),
    credentialId: Base64Url(1023, 'a credential ID'),
    publicKey: Base64Url(2048, 'a COSE key').superRefine((text, ctx) => {
      try {
        parseCoseKey(tryDecodeBase64Url(text) ?? new Uint8Array());
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
      }
    }),
    label: humanText(64, 'a passkey label').optional(),
  }),
  /** An age X25519 recipient: sealed transcripts are encrypted to the oversight group's. */
  z.strictObject({
    kind: z.literal('age'),
    recipient: z
      .string()
      .regex(/^age1[02-9ac-hj-np-z]{58}$/, {
        message: 'an age recipient is "age1" and 58 bech32 characters',
      })
      .refine((text) => parseAgeRecipient(text) !== undefined, {
        message: 'the age recipient is mistyped: its checksum does not match',
      }),
  }),
]);
export type MemberKey = z.infer<typeof MemberKey>;

/**
 * How statements name a key: an SSH key by its SHA-256 fingerprint ("SHA256:…"), a passkey by
 * "passkey:<credential ID>", an age recipient by itself.
 */
export const KeyId = z.string().min(1).max(1500);

/** Random bytes chosen by whoever drafts a statement, so that no two signed statements are equal. */
export const Nonce = z.string().regex(/^[A-Za-z0-9_-]{22,64}$/, {
  message: 'a nonce is 16 to 48 random bytes in unpadded base64url',
});

/** A member's signature of a statement's signed part. */
export const StatementSignature = z.discriminatedUnion('kind', [
  /** SSHSIG (PROTOCOL.sshsig) in the cooperative's namespace, armoured. */
  z.strictObject({
    kind: z.literal('ssh'),
    signer: Handle,
    signature: z.string().min(1).max(4096),
  }),
  /**
   * A WebAuthn assertion whose challenge is the statement's digest, kept whole so that anyone
   * can verify it later against the passkey's COSE key in the log.
   */
  z.strictObject({
    kind: z.literal('passkey'),
    signer: Handle,
    credentialId: Base64Url(1023, 'a credential ID'),
    authenticatorData: Base64Url(4096, 'authenticator data'),
    clientDataJSON: Base64Url(4096, 'client data'),
    signature: Base64Url(1024, 'a signature'),
  }),
]);
export type StatementSignature = z.infer<typeof StatementSignature>;

export const SENSITIVITIES = ['public', 'private', 'critical'] as const;
export const Sensitivity = z.enum(SENSITIVITIES);
export type Sensitivity = z.infer<typeof Sensitivity>;

export const SERVICE_STATUSES = ['planned', 'running', 'degraded', 'retired'] as const;
export const ServiceStatus = z.enum(SERVICE_STATUSES);
export type ServiceStatus = z.infer<typeof ServiceStatus>;

const Count = (max: number) => z.number().int().min(0).max(max);

/** What privileged access to a host with services of one sensitivity needs. */
export const AccessPolicy = z.strictObject({
  /** Signed approvals by members other than the requester. */
  approvals: Count(20),
  /** Whether a member must watch before and during the session. */
  observer: z.boolean(),
  /** The longest a certificate may be valid. */
  maxCertificateMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
  /** Whether command lines go into the log in the clear, or only sealed. */
  commandLines: z.enum(['public', 'sealed']),
  /** Whether sftp and scp are allowed (and recorded with content digests). */
  fileTransfers: z.boolean(),
});
export type AccessPolicy = z.infer<typeof AccessPolicy>;

/** How many members must sign each act of self-government. */
export const GovernancePolicy = z.strictObject({
  /** Vouches for a candidate, besides the candidate's own signature. */
  admission: Count(20).min(1),
  /** Signatures of other members to remove a member. */
  removal: Count(20).min(1),
  /** Signatures of members to change the policy or lower a service's sensitivity. */
  policyChange: Count(20).min(1),
  /** Signatures of other members to revoke a member's key without that member. */
  keyRevocation: Count(20).min(1),
  /** While the cooperative has fewer members than this, one signature suffices for each act. */
  smallCooperativeBelow: Count(100),
});
export type GovernancePolicy = z.infer<typeof GovernancePolicy>;

/**
 * A witness's verifier key (C2SP tlog-cosignature, Ed25519 cosignature v1):
 * `<name>+<key ID>+base64(0x04 ‖ public key)`, as `allmende witness key` prints it.
 */
export const WitnessKey = z
  .string()
  .max(500)
  .superRefine((text, ctx) => {
    try {
      if (parseVerifierKey(text).algorithm !== ALG_COSIGNATURE_V1) {
        ctx.addIssue({
          code: 'custom',
          message: 'a witness key is an Ed25519 cosigner key (type 4), not a log key',
        });
      }
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
    }
  });

/** A witness whose cosignatures count: who runs it, where it takes checkpoints, its key. */
export const PolicyWitness = z.strictObject({
  name: humanText(100, 'a witness name').regex(/\S/, { message: 'a witness needs a name' }),
  /** The witness's submission prefix (C2SP tlog-witness): `<url>/add-checkpoint`. */
  url: z.url({ protocol: /^https?$/, message: 'a witness URL is http(s)' }).max(300),
  key: WitnessKey,
});
export type PolicyWitness = z.infer<typeof PolicyWitness>;

/** The most witnesses a policy names; their cosignatures must fit in one signed note. */
export const MAX_POLICY_WITNESSES = 50;

export const Policy = z
  .strictObject({
    access: z.strictObject({
      public: AccessPolicy,
      private: AccessPolicy,
      critical: AccessPolicy,
    }),
    governance: GovernancePolicy,
    /**
     * Who may open sealed data and see private tickets: these handles, or (null) every member
     * with an age recipient.
     */
    oversight: z.array(Handle).max(200).nullable(),
    /**
     * The witnesses whose cosignatures count. Absent in policies written before witnesses
     * (read it through {@link witnessPolicy}): statements are kept as signed, never rewritten.
     */
    witnesses: z.array(PolicyWitness).max(MAX_POLICY_WITNESSES).optional(),
    /** How many of them must cosign a checkpoint for it to be trusted; absent means 0. */
    witnessQuorum: Count(MAX_POLICY_WITNESSES).optional(),
  })
  .superRefine((policy, ctx) => {
    const { witnesses, quorum } = witnessPolicy(policy);
    if (quorum > witnesses.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['witnessQuorum'],
        message: `a quorum of ${quorum} needs at least ${quorum} witnesses, the policy names ${witnesses.length}`,
      });
    }
    for (const field of ['name', 'key', 'url'] as const) {
      const seen = new Set<string>();
      witnesses.forEach((witness, i) => {
        if (seen.has(witness[field])) {
          ctx.addIssue({
            code: 'custom',
            path: ['witnesses', i, field],
            message: `two witnesses have the ${field} ${witness[field]}`,
          });
        }
        seen.add(witness[field]);
      });
    }
  });
export type Policy = z.infer<typeof Policy>;

/** A policy's witnesses and quorum, with the defaults of policies that name none. */
export function witnessPolicy(policy: Pick<Policy, 'witnesses' | 'witnessQuorum'>): {
  witnesses: PolicyWitness[];
  quorum: number;
} {
  return { witnesses: policy.witnesses ?? [], quorum: policy.witnessQuorum ?? 0 };
}

export const DEFAULT_POLICY: Policy = {
  access: {
    public: {
      approvals: 1,
      observer: false,
      maxCertificateMinutes: 240,
      commandLines: 'public',
      fileTransfers: true,
    },
    private: {
      approvals: 2,
      observer: true,
      maxCertificateMinutes: 60,
      commandLines: 'sealed',
      fileTransfers: false,
    },
    critical: {
      approvals: 3,
      observer: true,
      maxCertificateMinutes: 30,
      commandLines: 'sealed',
      fileTransfers: false,
    },
  },
  governance: {
    admission: 2,
    removal: 2,
    policyChange: 2,
    keyRevocation: 2,
    smallCooperativeBelow: 3,
  },
  oversight: null,
};

/** A monthly cost in the smallest unit of an ISO 4217 currency (cents). */
export const MonthlyCost = z.strictObject({
  amount: z.number().int().min(0).max(100_000_000),
  currency: z.string().regex(/^[A-Z]{3}$/, { message: 'a currency is an ISO 4217 code, e.g. EUR' }),
});

/** A service's address on the cooperative's domain (or a member's own): a host name or URL. */
export const ServiceAddress = z
  .string()
  .max(300)
  .regex(/^(https?:\/\/)?[a-z0-9.-]+(:[0-9]{1,5})?(\/[^\s]*)?$/i, {
    message: 'an address is a domain or an http(s) URL',
  });

/** A wiki path, e.g. "services/mail". */
export const WikiPath = z
  .string()
  .max(200)
  .regex(/^[a-z0-9][a-z0-9_-]*(\/[a-z0-9][a-z0-9_-]*)*$/, {
    message: 'a wiki path is lowercase segments separated by "/", e.g. services/mail',
  });
