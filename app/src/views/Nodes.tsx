/**
 * The inference network: the leaderboard (stake, reputation, agreed / disagreed / missed), a
 * node's page with its reputation and task history as a chart, and the operator's forms —
 * register with the key's proof of possession, add stake, unbond, withdraw.
 */
import { useMemo, useState } from "react";
import { AccountId, Binary } from "@polkadot-api/substrate-bindings";
import { useChain, useLive } from "../chain/ChainContext";
import { leaderboard, node as readNode, unbonding, type Node } from "../chain/queries/nodes";
import { useTx } from "../chain/useTx";
import { TimeChart } from "../components/TimeChart";
import { TxProgress } from "../components/TxProgress";
import { formatBalance, formatBlocks, formatPerbill, parseBalance, shortAddress } from "../format";
import { href } from "../route";

const LEADERBOARD = 100;
const HEX = /^0x[0-9a-fA-F]*$/;

/** The node registry's parameters, as the chain holds them. */
function useParams() {
  const { api } = useChain();
  return useLive((at) => api.query.ComputeNodes.Params.getValue({ at }));
}

export function Nodes({ operator }: { operator?: string }) {
  if (operator) return <NodePage operator={operator} />;
  return <Leaderboard />;
}

/** A node's status in words. */
const status = (n: Node) => n.status.type.toLowerCase();

function Leaderboard() {
  const { api, token, account } = useChain();
  const board = useLive((at) => leaderboard(api, LEADERBOARD, at));
  const params = useParams();
  const mine = board.data?.find((n) => n.operator === account?.address);
  return (
    <section>
      <h1>Inference nodes</h1>
      <p className="muted">
        Every proposal is analysed by a committee drawn by stake × reputation. A node that agrees with the committee's consensus gains reputation and
        reward points; one that answers differently, or not at all, loses reputation and a slice of its stake
        {params.data ? ` (${formatPerbill(params.data.disagreement_slash)} and ${formatPerbill(params.data.miss_slash)})` : ""}.
      </p>
      {board.error && !board.data && <p className="error">The leaderboard could not be read: {board.error}</p>}
      {!board.data ? <p className="muted">Reading…</p> : board.data.length === 0 ? <p>No node is registered.</p> : (
        <table className="list" data-testid="leaderboard">
          <thead><tr><th>#</th><th>Operator</th><th>Status</th><th>Stake</th><th>Reputation</th><th>Tasks</th><th>Agreed</th><th>Disagreed</th><th>Missed</th><th>Slashed</th></tr></thead>
          <tbody>
            {board.data.map((n, i) => (
              <tr key={n.operator} data-operator={n.operator}>
                <td>{i + 1}</td>
                <td className="mono"><a href={href("nodes", n.operator)}>{shortAddress(n.operator)}</a></td>
                <td>{status(n)}</td>
                <td>{formatBalance(n.stake, token, 0)}</td>
                <td>{formatPerbill(n.reputation, 1)}</td>
                <td>{n.stats.tasks}</td>
                <td>{n.stats.agreed}</td>
                <td>{n.stats.disagreed}</td>
                <td>{n.stats.missed}</td>
                <td>{formatBalance(n.stats.slashed, token, 2)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {account && (mine ? <p><a href={href("nodes", account.address)}>Your node</a>: manage its stake.</p> : <Register />)}
    </section>
  );
}

/** Cumulative outcomes over the blocks of a node's history. */
function historySeries(node: Node) {
  const x: number[] = [];
  const agreed: number[] = [];
  const disagreed: number[] = [];
  const missed: number[] = [];
  let a = 0;
  let d = 0;
  let m = 0;
  // From zero, at registration when the history reaches back to it.
  const start = node.history.length > 0 ? Math.min(node.registered_at, node.history[0].at - 1) : node.registered_at;
  x.push(start);
  agreed.push(0);
  disagreed.push(0);
  missed.push(0);
  for (const h of node.history) {
    if (h.outcome.type === "Agreed") a += 1;
    else if (h.outcome.type === "Disagreed") d += 1;
    else if (h.outcome.type === "Missed") m += 1;
    else continue;
    x.push(h.at);
    agreed.push(a);
    disagreed.push(d);
    missed.push(m);
  }
  return { x, agreed, disagreed, missed };
}

function NodePage({ operator }: { operator: string }) {
  const { token, account, api, block } = useChain();
  const node = useLive((at) => readNode(api, operator, at), [operator]);
  const series = useMemo(() => (node.data ? historySeries(node.data) : null), [node.data]);
  const chart = useMemo(
    () =>
      series
        ? [
            { name: "agreed", values: series.agreed, stroke: "#2e7d32" },
            { name: "disagreed", values: series.disagreed, stroke: "#c62828" },
            { name: "missed", values: series.missed, stroke: "#ef6c00" },
          ]
        : [],
    [series],
  );
  if (node.error && !node.data) return <p className="error">Could not read the node: {node.error}</p>;
  if (node.data === undefined) return <p className="muted">Reading…</p>;
  const n = node.data;
  return (
    <section data-testid="node-page">
      <p><a href={href("nodes")}>← Leaderboard</a></p>
      <h1>Node <span className="mono">{shortAddress(operator)}</span></h1>
      {!n ? <p>No node is registered by this operator.</p> : (
        <>
          <dl className="facts">
            <dt>Operator</dt><dd className="mono">{n.operator}</dd>
            <dt>Node key account</dt><dd className="mono">{n.key_account}</dd>
            <dt>Status</dt><dd>{status(n)}</dd>
            <dt>Stake</dt><dd>{formatBalance(n.stake, token)} bonded, {formatBalance(unbonding(n), token)} unbonding</dd>
            <dt>Reputation</dt><dd data-testid="reputation">{formatPerbill(n.reputation, 1)}</dd>
            <dt>Registered</dt><dd>block #{n.registered_at}</dd>
            <dt>Work</dt><dd>{n.stats.tasks} tasks: {n.stats.agreed} agreed, {n.stats.disagreed} disagreed, {n.stats.missed} missed, {n.stats.excused} excused; {formatBalance(n.stats.slashed, token)} slashed in all</dd>
          </dl>
          <h2>History</h2>
          <p className="muted">Cumulative outcomes of the node's latest {n.history.length} pieces of work.</p>
          {series && <TimeChart x={series.x} series={chart} testId="node-history" />}
          {n.unbonding.length > 0 && (
            <>
              <h2>Unbonding</h2>
              <ul>
                {n.unbonding.map((c, i) => (
                  <li key={i}>{formatBalance(c.amount, token)} unlocks at block #{c.unlocks_at}{block ? (c.unlocks_at <= block.number ? " (withdrawable)" : ` (in ${formatBlocks(c.unlocks_at - block.number)})`) : ""}</li>
                ))}
              </ul>
            </>
          )}
          {account?.address === operator && <Manage node={n} />}
        </>
      )}
    </section>
  );
}

/** Add stake, unbond, withdraw: the operator's own node. */
function Manage({ node }: { node: Node }) {
  const { api, token } = useChain();
  const params = useParams();
  const [amountText, setAmountText] = useState("");
  const [tx, send] = useTx();
  const amount = parseBalance(amountText, token);
  const min = params.data?.min_node_stake;
  const remaining = amount.ok ? BigInt(node.stake) - amount.planck : null;
  const unbondProblem =
    !amount.ok ? amount.error : remaining !== null && remaining < 0n ? "That is more than is bonded." : remaining !== null && min !== undefined && remaining > 0n && remaining < min ? `What stays bonded must be zero or at least ${formatBalance(min, token)}.` : null;
  return (
    <div className="form" data-testid="manage-node">
      <h2>Manage your node</h2>
      <label>Amount ({token.symbol}) <input name="amount" value={amountText} onChange={(e) => setAmountText(e.target.value)} placeholder="100" /></label>
      {amountText && !amount.ok && <p className="hint">{amount.error}</p>}
      <div className="buttons">
        <button disabled={!amount.ok} onClick={() => amount.ok && send(api.tx.ComputeNodes.add_stake({ amount: amount.planck }))}>Add stake</button>
        <button disabled={!amount.ok || !!unbondProblem} title={unbondProblem ?? ""} onClick={() => amount.ok && send(api.tx.ComputeNodes.unbond({ amount: amount.planck }))}>Unbond</button>
        <button onClick={() => send(api.tx.ComputeNodes.withdraw_unbonded())}>Withdraw unlocked</button>
      </div>
      {amountText && amount.ok && unbondProblem && <p className="hint">Unbond: {unbondProblem}</p>}
      {params.data && <p className="muted">Unbonded stake stays held, and slashable, for {formatBlocks(params.data.unbonding_period)} ({params.data.unbonding_period} blocks).</p>}
      <TxProgress state={tx} />
    </div>
  );
}

const decodeAddress = AccountId().enc;

/**
 * Register a node: the operator's stake and the node's `infr` key with its proof of possession,
 * the key's sr25519 signature of `"POP_" ‖ SCALE(operator, genesis hash)` — what
 * `author_rotateKeysWithOwner` returns on the node. A dev account can sign it with its
 * well-known `//Name//infr` key.
 */
function Register() {
  const { api, token, account, genesis } = useChain();
  const params = useParams();
  const [stakeText, setStakeText] = useState("");
  const [keyHex, setKeyHex] = useState("");
  const [proofHex, setProofHex] = useState("");
  const [tx, send] = useTx();
  const stake = parseBalance(stakeText || "0", token);
  const min = params.data?.min_node_stake;
  const problems = [
    !stake.ok ? stake.error : min !== undefined && stake.planck < min ? `The stake must be at least ${formatBalance(min, token)}.` : null,
    HEX.test(keyHex) && keyHex.length === 66 ? null : "The node key is 32 bytes of hex (0x… 64 digits).",
    HEX.test(proofHex) && proofHex.length === 130 ? null : "The proof is a 64-byte sr25519 signature (0x… 128 digits).",
  ].filter((p): p is string => p !== null);

  const statement = () => {
    if (!account || !genesis) return null;
    const operator = decodeAddress(account.address);
    const hash = Binary.fromHex(genesis);
    const pop = new TextEncoder().encode("POP_");
    const message = new Uint8Array(pop.length + operator.length + hash.length);
    message.set(pop, 0);
    message.set(operator, pop.length);
    message.set(hash, pop.length + operator.length);
    return message;
  };
  const signWithDevKey = () => {
    const message = statement();
    if (!account?.devNodeKey || !message) return;
    setKeyHex(Binary.toHex(account.devNodeKey.publicKey));
    setProofHex(Binary.toHex(account.devNodeKey.sign(message)));
  };
  const onSubmit = (e: React.FormEvent) => {
    e.preventDefault();
    if (problems.length > 0 || !stake.ok) return;
    void send(api.tx.ComputeNodes.register_node({ stake: stake.planck, key: keyHex as `0x${string}`, proof: proofHex as `0x${string}` }));
  };
  return (
    <form className="form" onSubmit={onSubmit} data-testid="register-node">
      <h2>Register a node</h2>
      <p className="muted">
        Run <code>daollm-node --validator</code> with the model, call <code>author_rotateKeysWithOwner</code> with your account on it, and paste the
        <code> infr</code> key and its proof here. The proof binds the key to your account on this chain only: nobody can register a key they do not hold.
      </p>
      <label>Stake ({token.symbol}) <input name="stake" value={stakeText} onChange={(e) => setStakeText(e.target.value)} placeholder={min !== undefined ? formatBalance(min, token, 0).replace(/ .*/, "") : ""} /></label>
      <label>Node key (sr25519, hex) <input name="key" className="mono" value={keyHex} onChange={(e) => setKeyHex(e.target.value.trim())} /></label>
      <label>Proof of possession (hex) <input name="proof" className="mono" value={proofHex} onChange={(e) => setProofHex(e.target.value.trim())} /></label>
      {account?.devNodeKey && <button type="button" onClick={signWithDevKey}>Use {account.name}'s dev node key</button>}
      {(stakeText || keyHex || proofHex) && problems.map((p) => <p key={p} className="hint">{p}</p>)}
      <button type="submit" disabled={problems.length > 0 || !account}>Sign and register</button>
      <TxProgress state={tx} />
    </form>
  );
}
