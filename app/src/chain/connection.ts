/**
 * The one connection to the chain: a `polkadot-api` client over WebSocket, typed by the
 * descriptors `papi` generated from the runtime's metadata (`.papi/metadata/daollm.scale`).
 * No backend of ours sits between the app and the node.
 */
import { createClient, type PolkadotClient, type TypedApi } from "polkadot-api";
import { getWsProvider, WsEvent, type StatusChange } from "polkadot-api/ws";
import { daollm } from "@polkadot-api/descriptors";

/** The typed API of the DAOLLM runtime. */
export type Api = TypedApi<typeof daollm>;

/** Where the app connects when `?rpc=` does not say: the dev node of `scripts/dev.sh`. */
export const DEFAULT_ENDPOINT = "ws://127.0.0.1:9944";

/** The endpoint `?rpc=ws://…` names, or the default; anything but ws/wss is refused. */
export function endpointFromLocation(search: string): { url: string; error?: string } {
  const asked = new URLSearchParams(search).get("rpc");
  if (asked === null || asked === "") return { url: DEFAULT_ENDPOINT };
  try {
    const url = new URL(asked);
    if (url.protocol !== "ws:" && url.protocol !== "wss:") {
      return { url: DEFAULT_ENDPOINT, error: `?rpc= must be a ws:// or wss:// address, not "${asked}".` };
    }
    return { url: asked };
  } catch {
    return { url: DEFAULT_ENDPOINT, error: `?rpc= is not an address: "${asked}".` };
  }
}

/** What the socket is doing, in words a member understands. */
export type LinkState =
  | { kind: "connecting"; url: string }
  | { kind: "connected"; url: string }
  | { kind: "down"; url: string; reason: string };

/** A client for `url` whose socket state is reported to `onState`. */
export function connect(url: string, onState: (state: LinkState) => void): {
  client: PolkadotClient;
  api: Api;
} {
  const onStatusChanged = (status: StatusChange) => {
    switch (status.type) {
      case WsEvent.CONNECTING:
        onState({ kind: "connecting", url });
        break;
      case WsEvent.CONNECTED:
        onState({ kind: "connected", url });
        break;
      case WsEvent.ERROR:
      case WsEvent.CLOSE:
        onState({ kind: "down", url, reason: "The node does not answer (is it running, and is the address right?). Retrying…" });
        break;
    }
  };
  const client = createClient(getWsProvider(url, { onStatusChanged }));
  return { client, api: client.getTypedApi(daollm) };
}
