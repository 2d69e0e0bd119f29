/**
 * What only the node holds, and what it says about itself, over its JSON-RPC: a proposal body by
 * its CID (Bitswap), the chain type, token properties and runtime version. Everything the chain
 * itself holds is read through the typed API (the pallets' view functions and storage).
 */
import type { PolkadotClient } from "polkadot-api";

/** The node's own methods. */
export function nodeRpc(client: PolkadotClient) {
  const call = <T>(method: string, ...params: unknown[]) => client._request<T>(method, params);
  return {
    /** A proposal body by its CID, as hex (`bitswap_v1_get`). */
    body: (cid: string) => call<string>("bitswap_v1_get", cid),
    runtimeVersion: () => call<{ specName: string; specVersion: number }>("state_getRuntimeVersion"),
    chainType: () => call<string | { [k: string]: unknown }>("system_chainType"),
    properties: () =>
      call<{ tokenDecimals?: number | number[]; tokenSymbol?: string | string[]; ss58Format?: number }>(
        "system_properties",
      ),
  };
}

/** The node's own methods as one object. */
export type NodeRpc = ReturnType<typeof nodeRpc>;
