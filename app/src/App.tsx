/**
 * The app's frame: navigation, the account picker, and the banners that explain what is wrong
 * when the node is down, runs another network, or the account cannot pay; then the view the
 * hash route names.
 */
import { lazy, Suspense, useEffect, useRef, useState } from "react";
import { keepTablesLabelled } from "./components/tableLabels";
import { useChain, useLive } from "./chain/ChainContext";
import { formatBalance, formatBlocks, shortAddress } from "./format";
import { href, useRoute } from "./route";

// Each view is its own chunk: a page downloads the code it shows (the chart library only with
// the views that chart).
const Contribute = lazy(() => import("./views/Contribute").then((m) => ({ default: m.Contribute })));
const Governance = lazy(() => import("./views/Governance").then((m) => ({ default: m.Governance })));
const Nodes = lazy(() => import("./views/Nodes").then((m) => ({ default: m.Nodes })));
const ProposalDetail = lazy(() => import("./views/ProposalDetail").then((m) => ({ default: m.ProposalDetail })));
const Proposals = lazy(() => import("./views/Proposals").then((m) => ({ default: m.Proposals })));
const Spaces = lazy(() => import("./views/Spaces").then((m) => ({ default: m.Spaces })));
const SpaceDetail = lazy(() => import("./views/Spaces").then((m) => ({ default: m.SpaceDetail })));
const Rewards = lazy(() => import("./views/Rewards").then((m) => ({ default: m.Rewards })));
const Submit = lazy(() => import("./views/Submit").then((m) => ({ default: m.Submit })));

const VIEWS = [
  ["proposals", "Proposals"],
  ["daos", "DAOs"],
  ["submit", "Submit"],
  ["contribute", "Contribute data"],
  ["nodes", "Nodes"],
  ["governance", "Governance"],
  ["rewards", "Rewards"],
] as const;

/** Connect or disconnect the browser's wallet extensions: the page asks them only on a click. */
function WalletButton() {
  const { wallet, accounts } = useChain();
  if (wallet.connected) {
    return <button className="link" onClick={wallet.disconnect} data-testid="disconnect-wallet">Disconnect wallet</button>;
  }
  if (wallet.available) return <button onClick={wallet.connect} data-testid="connect-wallet">Connect wallet</button>;
  // Without an extension, say so only when there is nothing else to sign with.
  return accounts.length > 0 ? null
    : <span className="muted" data-testid="no-wallet">No wallet extension (polkadot.js, Talisman or SubWallet) in this browser: install one to sign.</span>;
}

function AccountPicker() {
  const { accounts, account, selectAccount, api, token, development } = useChain();
  const balance = useLive(
    async (at) => (account ? api.query.System.Account.getValue(account.address, { at }) : null),
    [account?.address],
  );
  if (accounts.length === 0) {
    return (
      <span className="account">
        {development && <span className="muted" data-testid="no-accounts">Loading accounts…</span>}
        <WalletButton />
      </span>
    );
  }
  const free = balance.data?.data.free;
  const frozen = balance.data?.data.frozen ?? 0n;
  return (
    <span className="account">
      <select aria-label="account" data-testid="account" value={account?.address ?? ""} onChange={(e) => selectAccount(e.target.value)}>
        {accounts.map((a) => (
          <option key={a.address} value={a.address}>
            {a.name} · {shortAddress(a.address)}
          </option>
        ))}
      </select>
      {free !== undefined && (
        <span className={free === 0n ? "error" : "muted"} data-testid="balance">
          {free === 0n ? " This account holds no PROPOSAL: it cannot pay a fee. Ask for a transfer first." : ` ${formatBalance(free, token, 2)}${frozen > 0n ? ` (${formatBalance(frozen, token, 0)} locked)` : ""}`}
        </span>
      )}
      <WalletButton />
    </span>
  );
}

function Banners() {
  const { link, endpointError, wrongNetwork } = useChain();
  return (
    <>
      {endpointError && <p className="banner error">{endpointError} Connecting to {link.url} instead.</p>}
      {link.kind === "down" && (
        <p className="banner error" data-testid="node-down">
          {link.url}: {link.reason} Start a node with <code>scripts/dev.sh</code>, or open the app with <code>?rpc=ws://host:port</code>.
        </p>
      )}
      {link.kind === "connecting" && <p className="banner muted">Connecting to {link.url}…</p>}
      {wrongNetwork && (
        <p className="banner error" data-testid="wrong-network">
          {link.url} serves {wrongNetwork}, not a DAOLLM chain: this app cannot read it. Point it at a DAOLLM node with <code>?rpc=</code>.
        </p>
      )}
    </>
  );
}

function View({ route }: { route: string[] }) {
  const [view, arg] = route;
  switch (view ?? "proposals") {
    case "proposals":
      return arg !== undefined && /^\d+$/.test(arg) ? <ProposalDetail id={Number(arg)} /> : <Proposals />;
    case "daos":
      return arg !== undefined && /^\d+$/.test(arg) ? <SpaceDetail id={Number(arg)} /> : <Spaces />;
    case "submit":
      return <Submit />;
    case "contribute":
      return <Contribute />;
    case "nodes":
      return <Nodes operator={arg} />;
    case "governance":
      return <Governance />;
    case "rewards":
      return <Rewards />;
    default:
      return <p>There is no page “{view}”. <a href={href("proposals")}>Proposals</a></p>;
  }
}

/** The page's title: the view and what it shows, then the app's name. */
export function pageTitle(route: string[]): string {
  const [view = "proposals", arg] = route;
  const name = VIEWS.find(([path]) => path === view)?.[1] ?? "Not found";
  if (arg !== undefined && view === "proposals") return `Proposal #${arg} · DAOLLM`;
  if (arg !== undefined && view === "daos") return `DAO #${arg} · DAOLLM`;
  if (arg !== undefined && view === "nodes") return `Node ${arg.slice(0, 8)}… · DAOLLM`;
  return `${name} · DAOLLM`;
}

/** Seconds since `since`, ticking every second while `running`. */
function useAge(since: number | undefined, running: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);
  return since === undefined ? 0 : Math.max(0, Math.round((now - since) / 1000));
}

/**
 * What the page shows is final only while the node answers: with the connection lost, the
 * footer says how old the last finalised block is, and that the views may be out of date.
 */
function Footer() {
  const { block, link } = useChain();
  const down = link.kind !== "connected";
  const age = useAge(block?.seenAt, down && block !== null);
  if (!block) return <footer className="muted">Waiting for a finalised block…</footer>;
  if (down) {
    return (
      <footer className="stale" data-testid="stale">
        Connection lost: the last finalised block, <span data-testid="finalized-stale">#{block.number}</span>, arrived {formatBlocks(age, 1000)} ago. What is shown may be out of date; reconnecting…
      </footer>
    );
  }
  return <footer className="muted">Finalised block <span data-testid="finalized">#{block.number}</span>: everything shown is final.</footer>;
}

export function App() {
  const route = useRoute();
  const { wrongNetwork } = useChain();
  const current = route[0] ?? "proposals";
  useEffect(() => {
    document.title = pageTitle(route);
  }, [route]);
  const main = useRef<HTMLElement>(null);
  useEffect(() => (main.current ? keepTablesLabelled(main.current) : undefined), []);
  return (
    <>
      <header>
        <a className="brand" href={href("proposals")}>DAOLLM</a>
        <nav>
          {VIEWS.map(([path, name]) => (
            <a key={path} href={href(path)} className={current === path ? "active" : ""}>
              {name}
            </a>
          ))}
        </nav>
        <AccountPicker />
      </header>
      <Banners />
      <main ref={main}>
        {wrongNetwork ? null : (
          <Suspense fallback={<p className="muted">Loading…</p>}>
            <View route={route} />
          </Suspense>
        )}
      </main>
      <Footer />
    </>
  );
}
