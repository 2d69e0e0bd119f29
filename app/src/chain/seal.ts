/**
 * Sealed annotations: a label committed blind while the network has not published its own, and
 * what this browser keeps to reveal it later (the salt never leaves the browser until the reveal).
 */
import { AccountId } from "@polkadot-api/substrate-bindings";
import { blake2b256 } from "@polkadot-labs/hdkd-helpers";
import { toHex } from "./hex";

/** What a sealed annotation needs to be revealed. */
export interface Seal {
  label: number;
  salt: string;
}

const key = (address: string, id: number) => `daollm-seal-${address}-${id}`;


/** 32 random bytes. */
export const newSalt = () => crypto.getRandomValues(new Uint8Array(32));

/** The seal `address` made on proposal `id` in this browser, if any. */
export function savedSeal(address: string, id: number): Seal | null {
  try {
    const raw = localStorage.getItem(key(address, id));
    return raw ? (JSON.parse(raw) as Seal) : null;
  } catch {
    return null;
  }
}

/** Keeps a seal in this browser. */
export function saveSeal(address: string, id: number, seal: Seal) {
  localStorage.setItem(key(address, id), JSON.stringify(seal));
}

/**
 * The chain's commitment (`Proposals::commitment`): blake2-256 of the SCALE encoding of
 * `(id: u32, label: u8, salt: [u8; 32], annotator: AccountId32)`.
 */
export function commitment(id: number, label: number, salt: Uint8Array, address: string): `0x${string}` {
  const bytes = new Uint8Array(4 + 1 + 32 + 32);
  new DataView(bytes.buffer).setUint32(0, id, true);
  bytes[4] = label;
  bytes.set(salt, 5);
  bytes.set(AccountId().enc(address), 37);
  return toHex(blake2b256(bytes));
}
