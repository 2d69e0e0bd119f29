/**
 * The chain, as React sees it: one client for the app's lifetime, the last finalised block
 * (every view re-reads its data when it changes, so everything shown is final), what the chain
 * says about itself (token, address format, development or not), the runtime's error docs, and
 * the signing account.
 */
import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import type { PolkadotClient } from "polkadot-api";
import { connect, endpointFromLocation, type Api, type LinkState } from "./connection";
import { nodeRpc, type NodeRpc } from "./queries/node";
import { errorDocs, type ErrorDocs } from "./errors";
import { extensionAccounts, walletAvailable, type Account } from "./accounts";
import { PROPOSAL, type Token } from "../format";

/** A finalised block. */
export interface Block {
  hash: string;
  number: number;
  /** When this page received it (`Date.now()`): how old what is shown is, if the node goes away. */
  seenAt: number;
}

/** What every view reads. */
export interface Chain {
  client: PolkadotClient;
  api: Api;
  /** The node's own RPC methods (the body by CID, what the node says about itself). */
  rpc: NodeRpc;
  link: LinkState;
  /** A problem with the `?rpc=` parameter. */
  endpointError?: string;
  /** The last finalised block; `null` until the first arrives. */
  block: Block | null;
  token: Token;
  ss58Format: number;
  /** `system_chainType` is `Development`: dev accounts are offered. */
  development: boolean;
  /** The node runs another chain's runtime (its spec name is not `daollm`): `null` until known. */
  wrongNetwork: string | null;
  /** The genesis hash: what a node key's proof of possession is bound to. */
  genesis: string | null;
  /** The runtime's error docs (refreshed after a runtime upgrade). */
  errors: ErrorDocs | null;
  /** The active analysis model's labels, in the model's order. */
  labels: string[];
  accounts: Account[];
  account: Account | null;
  selectAccount: (address: string) => void;
  /** The browser's wallet extensions: asked for their accounts only when the member connects. */
  wallet: Wallet;
}

/** Whether the member has connected the wallet extensions, and how to connect or disconnect. */
export interface Wallet {
  /** The browser has at least one wallet extension. */
  available: boolean;
  /** The member connected the extensions (remembered: a later visit reconnects without asking). */
  connected: boolean;
  connect: () => void;
  disconnect: () => void;
}

const ChainContext = createContext<Chain | null>(null);

/** The chain of the surrounding [`ChainProvider`]. */
export function useChain(): Chain {
  const chain = useContext(ChainContext);
  if (!chain) throw new Error("useChain outside <ChainProvider>");
  return chain;
}

const decoder = new TextDecoder();
/** The spec name of the runtime the descriptors were generated from. */
const RUNTIME_SPEC_NAME = "daollm";
const first = <T,>(v: T | T[] | undefined): T | undefined => (Array.isArray(v) ? v[0] : v);

/** Connects to the endpoint `?rpc=` names (or the default) and provides [`Chain`]. */
export function ChainProvider({ children }: { children: ReactNode }) {
  const endpoint = useMemo(() => endpointFromLocation(window.location.search), []);
  const [link, setLink] = useState<LinkState>({ kind: "connecting", url: endpoint.url });
  const connection = useMemo(() => connect(endpoint.url, setLink), [endpoint.url]);
  const { client, api } = connection;
  const rpc = useMemo(() => nodeRpc(client), [client]);
  const [block, setBlock] = useState<Block | null>(null);
  const [token, setToken] = useState<Token>(PROPOSAL);
  const [ss58Format, setSs58] = useState(42);
  const [development, setDevelopment] = useState(false);
  const [genesis, setGenesis] = useState<string | null>(null);
  const [wrongNetwork, setWrongNetwork] = useState<string | null>(null);
  const [errors, setErrors] = useState<ErrorDocs | null>(null);
  const [labels, setLabels] = useState<string[]>([]);
  const [devs, setDevs] = useState<Account[]>([]);
  const [injected, setInjected] = useState<Account[]>([]);
  const [connected, setConnected] = useState(() => localStorage.getItem("daollm.wallet") === "connected");
  const [selected, setSelected] = useState<string | null>(() => localStorage.getItem("daollm.account"));
  const specVersion = useRef<number | null>(null);

  useEffect(() => {
    const sub = client.finalizedBlock$.subscribe((b) => setBlock({ hash: b.hash, number: b.number, seenAt: Date.now() }));
    return () => sub.unsubscribe();
  }, [client]);

  // What the chain says about itself, once connected.
  useEffect(() => {
    if (link.kind !== "connected") return;
    let live = true;
    (async () => {
      const [type, props, spec, version] = await Promise.all([
        rpc.chainType(),
        rpc.properties(),
        client.getChainSpecData(),
        rpc.runtimeVersion(),
      ]);
      if (!live) return;
      setWrongNetwork(version.specName === RUNTIME_SPEC_NAME ? null : `${spec.name} (runtime "${version.specName}")`);
      const decimals = first(props.tokenDecimals) ?? PROPOSAL.decimals;
      const symbol = first(props.tokenSymbol) ?? PROPOSAL.symbol;
      setToken({ decimals, symbol });
      setSs58(props.ss58Format ?? 42);
      setDevelopment(type === "Development");
      setGenesis(spec.genesisHash);
    })().catch(() => undefined);
    return () => {
      live = false;
    };
  }, [link.kind, client, rpc]);

  // Error docs and labels: read again when the runtime changes.
  useEffect(() => {
    if (!block) return;
    let live = true;
    (async () => {
      const version = await api.constants.System.Version();
      if (specVersion.current === version.spec_version && errors) return;
      specVersion.current = version.spec_version;
      const metadata = await client.getMetadata(block.hash);
      if (live) setErrors(errorDocs(metadata));
    })().catch(() => undefined);
    (async () => {
      const model = await api.constants.ModelRegistry.AnalysisModel();
      const record = await api.query.ModelRegistry.Models.getValue(model, { at: block.hash });
      if (!record?.active) return;
      const version = await api.query.ModelRegistry.Versions.getValue(model, record.active, { at: block.hash });
      if (live && version) setLabels(version.labels.map((l) => decoder.decode(l)));
    })().catch(() => undefined);
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [block?.hash]);

  // Dev accounts, on a development chain only.
  useEffect(() => {
    let live = true;
    if (!development) {
      setDevs([]);
      return;
    }
    import("./devAccounts")
      .then((m) => m.devAccounts(ss58Format))
      .then((list) => live && setDevs(list), () => undefined);
    return () => {
      live = false;
    };
  }, [development, ss58Format]);

  // The wallet extensions' accounts: asked for only once the member connected them, never at a
  // first visit without a click.
  useEffect(() => {
    let live = true;
    if (!connected) {
      setInjected([]);
      return;
    }
    extensionAccounts().then((list) => live && setInjected(list), () => live && setInjected([]));
    return () => {
      live = false;
    };
  }, [connected]);
  const accounts = useMemo(() => [...devs, ...injected], [devs, injected]);
  const wallet: Wallet = {
    available: walletAvailable(),
    connected,
    connect: () => {
      localStorage.setItem("daollm.wallet", "connected");
      setConnected(true);
    },
    disconnect: () => {
      localStorage.removeItem("daollm.wallet");
      setConnected(false);
    },
  };

  const account = accounts.find((a) => a.address === selected) ?? accounts[0] ?? null;
  const selectAccount = (address: string) => {
    localStorage.setItem("daollm.account", address);
    setSelected(address);
  };

  const chain: Chain = {
    client,
    api,
    rpc,
    link,
    endpointError: endpoint.error,
    block,
    token,
    ss58Format,
    development,
    wrongNetwork,
    genesis,
    errors,
    labels,
    accounts,
    account,
    selectAccount,
    wallet,
  };
  return <ChainContext.Provider value={chain}>{children}</ChainContext.Provider>;
}

/**
 * The runtime's constants that `read` picks (`null` until they arrive): read once per client,
 * as they change only with the runtime.
 */
export function useConstants<T>(read: (api: Api) => Promise<T>): T | null {
  const { api } = useChain();
  const [value, setValue] = useState<T | null>(null);
  useEffect(() => {
    let live = true;
    read(api).then(
      (v) => live && setValue(() => v),
      () => undefined,
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api]);
  return value;
}

/** The result of a read that is redone at every finalised block. */
export interface Live<T> {
  data: T | undefined;
  error: string | null;
  /** The block `data` was read at. */
  at: number | null;
}

/**
 * Runs `read(at)` at every new finalised block (`at` is its hash) and keeps the last answer:
 * a view built on it updates live, from final state only.
 */
export function useLive<T>(read: (at: string) => Promise<T>, deps: unknown[] = []): Live<T> {
  const { block } = useChain();
  const [state, setState] = useState<Live<T>>({ data: undefined, error: null, at: null });
  useEffect(() => {
    if (!block) return;
    let live = true;
    read(block.hash).then(
      (data) => live && setState({ data, error: null, at: block.number }),
      (e: unknown) =>
        live &&
        setState((s) => ({ ...s, error: e instanceof Error ? e.message : String(e) })),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [block?.hash, ...deps]);
  return state;
}
