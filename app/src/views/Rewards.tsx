/**
 * Rewards: the account's points and rewards per epoch (annotation, inference, training), a
 * claim of every ended epoch, the payment history as a chart, and the countdown to the end of
 * the running epoch, when its points become claimable.
 */
import { useMemo } from "react";
import { useChain, useConstants, useLive } from "../chain/ChainContext";
import { useTx } from "../chain/useTx";
import { TimeChart } from "../components/TimeChart";
import { TxProgress } from "../components/TxProgress";
import { formatBalance, formatBlocks, formatPerbill } from "../format";
import { pending as readPending } from "../chain/queries/rewards";

export function Rewards() {
  const { api, token, account, block } = useChain();
  const maxClaim = useConstants((api) => api.constants.Rewards.MaxClaimEpochs());
  const [tx, send] = useTx();
  const params = useLive((at) => api.query.Rewards.Params.getValue({ at }));
  const mine = useLive(
    async (at) => {
      if (!account) return null;
      const [pending, history] = await Promise.all([readPending(api, account.address, at), api.query.Rewards.History.getValue(account.address, { at })]);
      return { pending, history };
    },
    [account?.address],
  );
  const chart = useMemo(() => {
    const history = mine.data?.history ?? [];
    const decimals = 10 ** Math.min(token.decimals, 12);
    // What the account has been paid in all, epoch by epoch, from zero before its first payment.
    let total = 0;
    const paid = history.map((h) => (total += Number(h.amount) / decimals));
    const first = history[0]?.epoch ?? 0;
    return {
      x: history.length > 0 ? [first - 1, ...history.map((h) => h.epoch)] : [],
      series: [{ name: `paid in all (${token.symbol})`, values: [0, ...paid], stroke: "#1565c0", format: (v: number) => v.toFixed(2) }],
    };
  }, [mine.data?.history, token]);

  const current = mine.data?.pending.current_epoch ?? null;
  const ended = (mine.data?.pending.epochs ?? []).filter((e) => current !== null && e.epoch < current && e.amount !== undefined);
  const toClaim = ended.slice(0, maxClaim ?? ended.length).map((e) => e.epoch);
  const epochEnd = mine.data?.pending.current_epoch_end ?? null;

  return (
    <section>
      <h1>Rewards</h1>
      {params.data && (
        <p className="muted">
          Each epoch mints {formatBalance(params.data.emission, token, 0)} into the rewards pot and pays it for the epoch's work:{" "}
          {formatPerbill(params.data.split.annotation, 0)} to annotators, {formatPerbill(params.data.split.inference, 0)} to inference nodes,{" "}
          {formatPerbill(params.data.split.training, 0)} to trainers, each by their share of the points. Rewards stay claimable for {params.data.claim_period} epochs.
        </p>
      )}
      {epochEnd !== null && block && (
        <p data-testid="epoch-countdown">
          Epoch {current} ends at block #{epochEnd}: in {epochEnd - block.number} blocks ({formatBlocks(epochEnd - block.number)}).
        </p>
      )}
      {!account ? <p>Choose an account to see its rewards.</p> : !mine.data ? <p className="muted">Reading…</p> : (
        <>
          <h2>Pending</h2>
          <p data-testid="claimable">Claimable now: <strong>{formatBalance(mine.data.pending.claimable, token)}</strong></p>
          {mine.data.pending.epochs.length === 0 ? <p>No points yet: annotate proposals, run a node or train to earn some.</p> : (
            <table className="list" data-testid="pending">
              <thead><tr><th>Epoch</th><th>Annotation points</th><th>Inference points</th><th>Training points</th><th>Reward</th></tr></thead>
              <tbody>
                {mine.data.pending.epochs.map((e) => (
                  <tr key={e.epoch}>
                    <td>{e.epoch}{e.epoch === current ? " (running)" : ""}</td>
                    <td>{e.points.annotation}</td>
                    <td>{e.points.inference}</td>
                    <td>{e.points.training}</td>
                    <td>{e.amount === undefined ? "when the epoch ends" : formatBalance(e.amount, token)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <button data-testid="claim" disabled={toClaim.length === 0} onClick={() => send(api.tx.Rewards.claim({ epochs: toClaim }))}>
            {toClaim.length === 0 ? "Nothing to claim yet" : `Claim ${toClaim.length} epoch${toClaim.length > 1 ? "s" : ""}`}
          </button>
          <TxProgress state={tx} />
          <h2>Payments</h2>
          {mine.data.history.length === 0 ? <p>No payment yet.</p> : (
            <>
              <TimeChart x={chart.x} series={chart.series} testId="payments" xLabel="epoch" />
              <ul data-testid="payment-list">
                {mine.data.history.map((h) => <li key={h.epoch}>epoch {h.epoch}: {formatBalance(h.amount, token)}</li>)}
              </ul>
            </>
          )}
        </>
      )}
    </section>
  );
}
