/**
 * Who signs: accounts of the browser's wallet extensions (polkadot.js extension, Talisman,
 * SubWallet — the injected-extension standard), and on a `Development` chain only, the
 * well-known dev accounts (//Alice …), which are nobody's on a real network.
 */
import type { PolkadotSigner } from "polkadot-api";
import { getPolkadotSigner } from "polkadot-api/signer";
import { connectInjectedExtension, getInjectedExtensions } from "polkadot-api/pjs-signer";
import { AccountId } from "@polkadot-api/substrate-bindings";
import { sr25519CreateDerive } from "@polkadot-labs/hdkd";
import { DEV_PHRASE, entropyToMiniSecret, mnemonicToEntropy } from "@polkadot-labs/hdkd-helpers";

/** An account the app can sign with. */
export interface Account {
  address: string;
  name: string;
  /** `dev` or the extension's name. */
  source: string;
  signer: PolkadotSigner;
  /** For dev accounts only: signs raw bytes with the account's derived `//infr` node key. */
  devNodeKey?: { publicKey: Uint8Array; sign: (message: Uint8Array) => Uint8Array };
}

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

/** The accounts of every wallet extension the browser has, after the member allows it. */
export async function extensionAccounts(dappName = "DAOLLM"): Promise<Account[]> {
  const accounts: Account[] = [];
  for (const name of getInjectedExtensions()) {
    try {
      const extension = await connectInjectedExtension(name, dappName);
      for (const account of extension.getAccounts()) {
        accounts.push({
          address: account.address,
          name: account.name ?? account.address,
          source: name,
          signer: account.polkadotSigner,
        });
      }
    } catch {
      // The member declined this extension: its accounts are not offered.
    }
  }
  return accounts;
}
