/**
 * Governance: referenda on their tracks (what each enacts, its tally and whether it is
 * preparing, deciding or confirming), a vote with conviction, the model registry (every version,
 * which one is active, each candidate's evaluation) and the federated training rounds.
 */
import { useState } from "react";
import { Binary } from "@polkadot-api/substrate-bindings";
import { useChain, useConstants, useLive } from "../chain/ChainContext";
import { useTx } from "../chain/useTx";
import { TxProgress } from "../components/TxProgress";
import { formatBalance, formatBlocks, formatPerbill, parseBalance, shortAddress } from "../format";
import { callInWords, type DecodedCall } from "../chain/callWords";

const RECENT = 20;
const decoder = new TextDecoder();

/** Conviction: the multiplier of the vote and how many lock periods the balance stays locked. */
const CONVICTIONS = [
  { multiplier: "0.1×", periods: 0 },
  { multiplier: "1×", periods: 1 },
  { multiplier: "2×", periods: 2 },
  { multiplier: "3×", periods: 4 },
  { multiplier: "4×", periods: 8 },
  { multiplier: "5×", periods: 16 },
  { multiplier: "6×", periods: 32 },
];

/** A conviction in words, its lock in time: "2×, locked 14 d" (`lockBlocks`: one lock period). */
function convictionName(i: number, lockBlocks: number | null): string {
  const c = CONVICTIONS[i];
  if (c.periods === 0) return `${c.multiplier}, no lock`;
  return lockBlocks === null ? `${c.multiplier}, locked ${c.periods} period${c.periods > 1 ? "s" : ""}` : `${c.multiplier}, locked ${formatBlocks(c.periods * lockBlocks)}`;
}

type Chain = ReturnType<typeof useChain>;

/** A SCALE-encoded call in words, and as `Pallet.call {args}`; `null` when it does not decode. */
async function describeCall({ api, token }: Chain, bytes: Uint8Array, at: string): Promise<{ words: string; raw: string } | null> {
  try {
    const tx = await api.txFromCallData(bytes);
    const call = tx.decodedCall as DecodedCall;
    const args = JSON.stringify(call.value.value, (_k, v) => (typeof v === "bigint" ? v.toString() : v instanceof Uint8Array ? Binary.toHex(v) : v));
    const raw = `${call.type}.${call.value.type}${args && args !== "undefined" ? ` ${args}` : ""}`;
    return { words: await callInWords(api, call, token, at), raw };
  } catch {
    return null;
  }
}

/** The origin a referendum dispatches with, in words. */
function originName(origin: { type: string; value: { type: string; value?: unknown } }): string {
  if (origin.type === "system") return origin.value.type === "Root" ? "Root" : origin.value.type;
  return origin.value.type;
}

async function readReferenda(chain: Chain, at: string) {
  const { api } = chain;
  const [count, tracks, issuance] = await Promise.all([
    api.query.Referenda.ReferendumCount.getValue({ at }),
    api.constants.Referenda.Tracks(),
    api.query.Balances.TotalIssuance.getValue({ at }),
  ]);
  // Track names are fixed-size strings, NUL-padded.
  const trackName = new Map(tracks.map(([id, t]) => [id, t.name.replace(/\0+$/, "")]));
  const trackInfo = new Map(tracks.map(([id, t]) => [id, t]));
  const ids = Array.from({ length: Math.min(count, RECENT) }, (_, i) => count - 1 - i);
  return Promise.all(
    ids.map(async (index) => {
      const info = await api.query.Referenda.ReferendumInfoFor.getValue(index, { at });
      if (!info) return { kind: "closed" as const, index, state: "unknown", since: undefined };
      if (info.type !== "Ongoing") return { kind: "closed" as const, index, state: info.type as string, since: Array.isArray(info.value) ? info.value[0] : info.value };
      const r = info.value;
      let call: { words: string; raw: string } | null = null;
      if (r.proposal.type === "Inline") call = await describeCall(chain, r.proposal.value, at);
      else if (r.proposal.type === "Lookup") {
        const bytes = await api.query.Preimage.PreimageFor.getValue([r.proposal.value.hash, r.proposal.value.len], { at });
        const missing = `preimage ${shortAddress(r.proposal.value.hash)} (not uploaded)`;
        call = bytes ? await describeCall(chain, bytes, at) : { words: `A call whose ${missing}`, raw: missing };
      }
      const votes = r.tally.ayes + r.tally.nays;
      const track = trackInfo.get(r.track);
      return {
        kind: "ongoing" as const,
        index,
        state: r.deciding ? (r.deciding.confirming !== undefined ? "Confirming" : "Deciding") : r.decision_deposit ? "Preparing" : "Awaiting decision deposit",
        track: trackName.get(r.track) ?? `track ${r.track}`,
        trackId: r.track,
        decisionDeposit: track?.decision_deposit ?? 0n,
        hasDecisionDeposit: r.decision_deposit !== undefined,
        decidingSince: r.deciding?.since ?? null,
        confirmingUntil: r.deciding?.confirming ?? null,
        decisionEnds: r.deciding && track ? r.deciding.since + track.decision_period : null,
        origin: originName(r.origin as never),
        call,
        submitted: r.submitted,
        ayes: r.tally.ayes,
        nays: r.tally.nays,
        approval: votes > 0n ? Number((r.tally.ayes * 1_000_000_000n) / votes) : null,
        support: issuance > 0n ? Number((r.tally.support * 1_000_000_000n) / issuance) : 0,
      };
    }),
  );
}

type Referendum = Awaited<ReturnType<typeof readReferenda>>[number];

export function Governance() {
  const chain = useChain();
  const referenda = useLive((at) => readReferenda(chain, at));
  return (
    <section>
      <h1>Governance</h1>
      <h2>Referenda</h2>
      {referenda.error && !referenda.data && <p className="error">The referenda could not be read: {referenda.error}</p>}
      {!referenda.data ? <p className="muted">Reading…</p> : referenda.data.length === 0 ? <p>No referendum has been submitted.</p> : (
        <div className="cards" data-testid="referenda">
          {referenda.data.map((r) => <ReferendumCard key={r.index} referendum={r} />)}
        </div>
      )}
      <ModelRegistry />
      <TrainingRounds />
    </section>
  );
}

function ReferendumCard({ referendum: r }: { referendum: Referendum }) {
  const { token, block } = useChain();
  if (r.kind === "closed") {
    return (
      <article className="card" data-testid={`referendum-${r.index}`} data-state={r.state}>
        <h3>Referendum #{r.index}: {r.state}</h3>
        {r.since !== undefined && <p className="muted">at block #{r.since}</p>}
      </article>
    );
  }
  return (
    <article className="card" data-testid={`referendum-${r.index}`} data-state={r.state}>
      <h3>Referendum #{r.index} · {r.track} · <span className="tag">{r.state}</span></h3>
      <p data-testid="call-words"><strong>{r.call?.words ?? "The call does not decode with this runtime."}</strong></p>
      {r.call && <details><summary className="muted small">The call as encoded</summary><p className="mono small">{r.call.raw}</p></details>}
      <p className="muted">Dispatched as {r.origin}; submitted at block #{r.submitted}.
        {r.decisionEnds && block ? ` Decision period ends at #${r.decisionEnds} (${formatBlocks(Math.max(0, r.decisionEnds - block.number))}).` : ""}
        {r.confirmingUntil ? ` Confirming until #${r.confirmingUntil}.` : ""}</p>
      <dl className="facts">
        <dt>Aye</dt><dd data-testid="ayes">{formatBalance(r.ayes, token)}</dd>
        <dt>Nay</dt><dd data-testid="nays">{formatBalance(r.nays, token)}</dd>
        <dt>Approval</dt><dd>{r.approval === null ? "no votes" : formatPerbill(r.approval)}</dd>
        <dt>Support</dt><dd>{formatPerbill(r.support, 3)} of the issuance</dd>
      </dl>
      {!r.hasDecisionDeposit && (
        <p className="muted small">Until someone places the decision deposit ({formatBalance(r.decisionDeposit, token, 0)}, returned when the referendum ends), the referendum stays in preparation and cannot pass; it times out if nobody does.</p>
      )}
      <MyVote index={r.index} track={r.trackId} />
      <Vote index={r.index} trackDeposit={r.hasDecisionDeposit ? null : r.decisionDeposit} />
    </article>
  );
}

function Vote({ index, trackDeposit }: { index: number; trackDeposit: bigint | null }) {
  const { api, token, account } = useChain();
  const [aye, setAye] = useState(true);
  const [conviction, setConviction] = useState(1);
  const [amountText, setAmountText] = useState("");
  const [tx, send] = useTx();
  const amount = parseBalance(amountText, token);
  const lockBlocks = useConstants((api) => api.constants.ConvictionVoting.VoteLockingPeriod());
  const onVote = (e: React.FormEvent) => {
    e.preventDefault();
    if (!amount.ok) return;
    const vote = (aye ? 0x80 : 0) | conviction;
    void send(api.tx.ConvictionVoting.vote({ poll_index: index, vote: { type: "Standard", value: { vote, balance: amount.planck } } }));
  };
  return (
    <form className="form inline" onSubmit={onVote} data-testid={`vote-${index}`}>
      <select name="direction" aria-label="direction of the vote" value={aye ? "aye" : "nay"} onChange={(e) => setAye(e.target.value === "aye")}>
        <option value="aye">Aye</option>
        <option value="nay">Nay</option>
      </select>
      <select name="conviction" aria-label="conviction and lock" value={conviction} onChange={(e) => setConviction(Number(e.target.value))}>
        {CONVICTIONS.map((c, i) => <option key={c.multiplier} value={i}>{convictionName(i, lockBlocks)}</option>)}
      </select>
      <input name="amount" aria-label={`amount in ${token.symbol}`} placeholder={`amount (${token.symbol})`} value={amountText} onChange={(e) => setAmountText(e.target.value)} />
      <button type="submit" disabled={!amount.ok || !account}>Vote</button>
      {trackDeposit !== null && (
        <button type="button" onClick={() => send(api.tx.Referenda.place_decision_deposit({ index }))}>Place the decision deposit ({formatBalance(trackDeposit, token, 0)})</button>
      )}
      {amountText && !amount.ok && <p className="hint">{amount.error}</p>}
      <TxProgress state={tx} />
    </form>
  );
}

function ModelRegistry() {
  const { api } = useChain();
  const analysisModel = useConstants((api) => api.constants.ModelRegistry.AnalysisModel());
  const models = useLive(async (at) => {
    // Referenda the registry opened that have not activated their version yet.
    const [entries, proposed] = await Promise.all([
      api.query.ModelRegistry.Models.getEntries({ at }),
      api.query.ModelRegistry.ActivationReferenda.getEntries({ at }),
    ]);
    return Promise.all(
      entries.map(async ({ keyArgs: [id], value }) => {
        const [versions, pending, activatedBy] = await Promise.all([
          api.query.ModelRegistry.Versions.getEntries(id, { at }),
          api.query.ModelRegistry.PendingActivation.getValue(id, { at }),
          api.query.ModelRegistry.ActivatedBy.getEntries(id, { at }),
        ]);
        const referendumOf = new Map(activatedBy.map(({ keyArgs: [, version], value }) => [version, value]));
        const proposedFor = (version: number) =>
          proposed.filter(({ value: [m, v] }) => m === id && v === version).map(({ keyArgs: [index] }) => index).sort((a, b) => a - b);
        return {
          id,
          name: decoder.decode(value.name),
          active: value.active ?? null,
          pending: pending ?? null,
          versions: versions
            .map(({ keyArgs: [, version], value: v }) => ({ version, ...v, activatedBy: referendumOf.get(version) ?? null, proposed: proposedFor(version) }))
            .sort((a, b) => b.version - a.version),
        };
      }),
    );
  });
  return (
    <>
      <h2>Model registry</h2>
      {!models.data ? <p className="muted">Reading…</p> : (
        <div data-testid="models">
          {models.data.map((m) => (
            <article key={m.id} className="card">
              <h3>{m.name} (model {m.id}){m.id === analysisModel ? " · analyses proposals" : ""}</h3>
              {m.pending && <p className="warning">Version {m.pending[0]} becomes active from block #{m.pending[1]}.</p>}
              <table className="list">
                <thead><tr><th>Version</th><th>sha256</th><th>Labels</th><th>Registered</th><th>Evaluation (held-back · reference)</th><th>Activated by</th><th></th></tr></thead>
                <tbody>
                  {m.versions.map((v) => (
                    <tr key={v.version} data-testid={`model-${m.id}-${v.version}`}>
                      <td>{v.version}</td>
                      <td className="mono">{shortAddress(v.sha256)}</td>
                      <td>{v.labels.length}</td>
                      <td>#{v.registered_at}</td>
                      <td>
                        {v.evaluation
                          ? `${v.evaluation.validation.candidate}/${v.evaluation.validation.examples} vs base ${v.evaluation.validation.base} · ${v.evaluation.reference.candidate}/${v.evaluation.reference.examples} vs base ${v.evaluation.reference.base}`
                          : "shipped, not trained here"}
                        {v.forgets ? " · forgets what the base knew" : ""}
                      </td>
                      <td data-testid={`activated-by-${m.id}-${v.version}`}>
                        {[
                          v.activatedBy !== null ? `referendum #${v.activatedBy}` : m.active === v.version ? "genesis, Root or a referendum submitted directly" : null,
                          v.proposed.length > 0 ? `proposed in ${v.proposed.map((i) => `#${i}`).join(", ")}` : null,
                        ].filter(Boolean).join(" · ") || "—"}
                      </td>
                      <td>
                        {m.active === v.version ? <span className="tag ok">active</span>
                          : m.pending?.[0] === v.version ? <span className="tag">announced</span>
                          : <ProposeActivation model={m.id} version={v.version} />}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </article>
          ))}
        </div>
      )}
    </>
  );
}

/** Opens the `models`-track referendum that activates a version (the signer holds the
 * submission deposit); the registry records it when it is enacted. */
function ProposeActivation({ model, version }: { model: number; version: number }) {
  const { api } = useChain();
  const [tx, send] = useTx();
  return (
    <>
      <button type="button" data-testid={`propose-${model}-${version}`}
        onClick={() => void send(api.tx.ModelRegistry.propose_activation({ model, version }))}>Propose activation</button>
      <TxProgress state={tx} />
    </>
  );
}

function TrainingRounds() {
  const { api } = useChain();
  const rounds = useLive(async (at) => {
    const next = await api.query.Training.NextRoundId.getValue({ at });
    const ids = Array.from({ length: Math.min(next, RECENT) }, (_, i) => next - 1 - i);
    return Promise.all(
      ids.map(async (id) => {
        const [round, outcome] = await Promise.all([api.query.Training.Rounds.getValue(id, { at }), api.query.Training.Outcomes.getValue(id, { at })]);
        return { id, round, outcome };
      }),
    );
  });
  return (
    <>
      <h2>Training rounds</h2>
      {!rounds.data ? <p className="muted">Reading…</p> : rounds.data.length === 0 ? <p>No training round has been opened.</p> : (
        <table className="list" data-testid="rounds">
          <thead><tr><th>#</th><th>Base</th><th>Rule</th><th>Examples</th><th>Trainers</th><th>Updates</th><th>Phase</th><th>Outcome</th></tr></thead>
          <tbody>
            {rounds.data.map(({ id, round, outcome }) => (
              <tr key={id}>
                <td>{id}</td>
                <td>{round ? `model ${round.model} v${round.base_version}` : "—"}</td>
                <td>{round ? round.plan.rule.type : "—"}</td>
                <td>{round?.examples.length ?? "—"}</td>
                <td>{round?.trainers.length ?? "—"}</td>
                <td>{round?.updates ?? "—"}</td>
                <td>{round ? (round.phase.type === "Aggregating" ? `aggregating (reveals until #${round.phase.value.reveal_end})` : round.phase.type === "Training" ? `training until #${round.deadline}` : round.phase.type.toLowerCase()) : "—"}</td>
                <td>{outcome ? (outcome.type === "Candidate" ? `candidate version ${outcome.value.version}` : `failed: ${outcome.value.type}`) : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

/** The member's own vote on referendum `index` (on its track `track`), as the chain records it. */
function MyVote({ index, track }: { index: number; track: number }) {
  const { api, account, token } = useChain();
  const lockBlocks = useConstants((api) => api.constants.ConvictionVoting.VoteLockingPeriod());
  const mine = useLive(async (at) => {
    if (!account) return null;
    const voting = await api.query.ConvictionVoting.VotingFor.getValue(account.address, track, { at });
    if (voting.type !== "Casting") return null;
    return voting.value.votes.find(([poll]) => poll === index)?.[1] ?? null;
  }, [account?.address, index, track]);
  const vote = mine.data;
  if (!vote) return null;
  let text: string;
  if (vote.type === "Standard") {
    const aye = (vote.value.vote & 0x80) !== 0;
    const conviction = vote.value.vote & 0x7f;
    text = `${aye ? "Aye" : "Nay"} with ${formatBalance(vote.value.balance, token)}, ${convictionName(Math.min(conviction, 6), lockBlocks)}`;
  } else if (vote.type === "Split") {
    text = `split: aye ${formatBalance(vote.value.aye, token)}, nay ${formatBalance(vote.value.nay, token)}`;
  } else {
    text = `split with abstain: aye ${formatBalance(vote.value.aye, token)}, nay ${formatBalance(vote.value.nay, token)}, abstain ${formatBalance(vote.value.abstain, token)}`;
  }
  return <p data-testid="my-vote">Your vote: {text}.</p>;
}
