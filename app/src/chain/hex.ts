/** Bytes as `0x…` hex and back: what the node's RPC and the runtime's hashes use. */

/** `bytes` as lower-case `0x` hex. */
export const toHex = (bytes: Uint8Array) => `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}` as `0x${string}`;

/** The bytes of `0x` hex (or bare hex). */
export const fromHex = (hex: string) => Uint8Array.from((hex.replace(/^0x/, "").match(/../g) ?? []).map((b) => parseInt(b, 16)));
