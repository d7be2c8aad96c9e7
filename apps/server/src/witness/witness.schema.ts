/** The witnesses' tables (migration 0008-witness). Times are ISO 8601 text, as elsewhere. */
export type WitnessTables = {
  witness_cosignatures: {
    /** The witness's verifier key, as the policy names it. */
    witness_key: string;
    /** The size of the checkpoint it cosigned. */
    size: number;
    /** Its root hash, base64: a cosignature is only for the tree it saw. */
    root_hash: string;
    /** `— <name> base64(key ID ‖ timestamp ‖ signature)` and a newline. */
    line: string;
    /** The cosignature's own timestamp. */
    cosigned_at: string;
  };
};
