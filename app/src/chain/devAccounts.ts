/**
 * The well-known development accounts (//Alice …) and their `//Name//infr` node keys: offered
 * only when `system_chainType` is `Development`, and only then downloaded (their key derivation
 * is a chunk of its own).
 */
import { getPolkadotSigner } from "polkadot-api/signer";
import { AccountId } from "@polkadot-api/substrate-bindings";
import { sr25519CreateDerive } from "@polkadot-labs/hdkd";
import { DEV_PHRASE, entropyToMiniSecret, mnemonicToEntropy } from "@polkadot-labs/hdkd-helpers";
import type { Account } from "./accounts";

const DEV_NAMES = ["Alice", "Bob", "Charlie", "Dave", "Eve", "Ferdie"];

/** The dev accounts, addressed with `ss58Format`. */
export function devAccounts(ss58Format: number): Account[] {
  const derive = sr25519CreateDerive(entropyToMiniSecret(mnemonicToEntropy(DEV_PHRASE)));
  const encode = AccountId(ss58Format).dec;
  return DEV_NAMES.map((name) => {
    const pair = derive(`//${name}`);
    const infr = derive(`//${name}//infr`);
    return {
      address: encode(pair.publicKey),
      name: `${name} (dev)`,
      source: "dev",
      signer: getPolkadotSigner(pair.publicKey, "Sr25519", pair.sign),
      devNodeKey: { publicKey: infr.publicKey, sign: infr.sign },
    };
  });
}
