/**
 * Who signs: accounts of the browser's wallet extensions (polkadot.js extension, Talisman,
 * SubWallet — the injected-extension standard), and on a `Development` chain only, the
 * well-known dev accounts (//Alice …, in `devAccounts.ts`, loaded only on such a chain), which
 * are nobody's on a real network.
 */
import type { PolkadotSigner } from "polkadot-api";
import { connectInjectedExtension, getInjectedExtensions } from "polkadot-api/pjs-signer";

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

/** Whether the browser has a wallet extension (it injects itself before the page's scripts run). */
export function walletAvailable(): boolean {
  return getInjectedExtensions().length > 0;
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
