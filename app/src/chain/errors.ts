/**
 * Errors in words. A dispatch error names a pallet's error variant; the runtime's metadata holds
 * that variant's doc comment (the same text polkadot.js apps shows), and that is what a member
 * reads — never a raw code. Transaction-pool refusals and socket failures get plain sentences.
 */
import { decAnyMetadata, unifyMetadata } from "@polkadot-api/substrate-bindings";

/** `"Pallet.Error"` → the error's doc comment, from the runtime's metadata. */
export type ErrorDocs = Map<string, string>;

/** Every pallet error's documentation in `metadata` (SCALE-encoded runtime metadata). */
export function errorDocs(metadata: Uint8Array): ErrorDocs {
  const unified = unifyMetadata(decAnyMetadata(metadata));
  const docs: ErrorDocs = new Map();
  for (const pallet of unified.pallets) {
    const ref = pallet.errors;
    if (!ref) continue;
    const type = unified.lookup[ref.type];
    if (type?.def.tag !== "variant") continue;
    for (const variant of type.def.value) {
      docs.set(`${pallet.name}.${variant.name}`, variant.docs.join(" ").trim());
    }
  }
  return docs;
}

interface Tagged {
  type: string;
  value?: unknown;
}

function isTagged(value: unknown): value is Tagged {
  return typeof value === "object" && value !== null && typeof (value as Tagged).type === "string";
}

/** What the runtime's own (non-pallet) dispatch errors mean. */
const SYSTEM_ERRORS: Record<string, string> = {
  "Token.FundsUnavailable": "The account does not have enough free funds for this.",
  "Token.OnlyProvider": "This would leave the account below its existential deposit while it still holds something.",
  "Token.BelowMinimum": "The amount is below the minimum an account may hold.",
  "Token.Frozen": "Those funds are frozen (locked by a vote or held by another pallet).",
  "Arithmetic.Underflow": "The amount is more than there is.",
  "Arithmetic.Overflow": "The amount is too large.",
  BadOrigin: "This account may not do that (it needs another origin, e.g. governance).",
  CannotLookup: "An address could not be found.",
};

/** A dispatch error (as `polkadot-api` reports it) in words. */
export function describeDispatchError(error: unknown, docs: ErrorDocs | null): string {
  if (!isTagged(error)) return "The transaction failed.";
  if (error.type === "Module" && isTagged(error.value) && isTagged(error.value.value)) {
    const key = `${error.value.type}.${error.value.value.type}`;
    const doc = docs?.get(key);
    return doc ? `${doc} (${key})` : `The transaction failed: ${key}.`;
  }
  const key = isTagged(error.value) ? `${error.type}.${error.value.type}` : error.type;
  return SYSTEM_ERRORS[key] ?? SYSTEM_ERRORS[error.type] ?? `The transaction failed: ${key}.`;
}

/** Why the transaction pool (or the signer) refused a transaction, in words. */
export function describeSubmitError(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const tagged = (error as { error?: unknown })?.error;
  if (isTagged(tagged)) {
    const inner = isTagged(tagged.value) ? tagged.value.type : "";
    if (inner === "Payment") return "The account cannot pay the transaction fee: it needs funds first.";
    if (inner === "Stale" || inner === "Future") return "The account's nonce is out of step; try again.";
    if (inner === "BadProof") return "The signature is not valid for this chain.";
    if (inner === "ExhaustsResources") return "The block is full; try again in a moment.";
    return `The node refused the transaction: ${tagged.type}${inner ? `.${inner}` : ""}.`;
  }
  if (/cancel|reject/i.test(text)) return "Signing was cancelled in the wallet.";
  return `The transaction could not be sent: ${text}`;
}
