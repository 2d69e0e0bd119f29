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

const RECENT = 20;
const decoder = new TextDecoder();

/** Conviction: the multiplier of the vote and how long the balance stays locked afterwards. */
const CONVICTIONS = [
  { name: "0.1×, no lock", periods: 0 },
  { name: "1×, locked 1 period", periods: 1 },
  { name: "2×, locked 2 periods", periods: 2 },
  { name: "3×, locked 4 periods", periods: 4 },
  { name: "4×, locked 8 periods", periods: 8 },
  { name: "5×, locked 16 periods", periods: 16 },
  { name: "6×, locked 32 periods", periods: 32 },
];

type Chain = ReturnType<typeof useChain>;

/** `Pallet.call {args}` of a SCALE-encoded call, or `null` when it does not decode. */
async function describeCall(api: Chain["api"], bytes: Uint8Array): Promise<string | null> {
  try {
    const tx = await api.txFromCallData(bytes);
    const call = tx.decodedCall as { type: string; value: { type: string; value: unknown } };
    const args = JSON.stringify(call.value.value, (_k, v) => (typeof v === "bigint" ? v.toString() : v instanceof Uint8Array ? Binary.toHex(v) : v));
    return `${call.type}.${call.value.type}${args && args !== "undefined" ? ` ${args}` : ""}`;
  } catch {
    return null;
  }
}

/** The origin a referendum dispatches with, in words. */
function originName(origin: { type: string; value: { type: string; value?: unknown } }): string {
  if (origin.type === "system") return origin.value.type === "Root" ? "Root" : origin.value.type;
  return origin.value.type;
}

async function readReferenda({ api }: Chain, at: string) {
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
      let call: string | null = null;
      if (r.proposal.type === "Inline") call = await describeCall(api, r.proposal.value);
      else if (r.proposal.type === "Lookup") {
        const bytes = await api.query.Preimage.PreimageFor.getValue([r.proposal.value.hash, r.proposal.value.len], { at });
        call = bytes ? await describeCall(api, bytes) : `preimage ${shortAddress(r.proposal.value.hash)} (not uploaded)`;
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
      <p className="mono small">{r.call ?? "(the call does not decode with this runtime)"}</p>
      <p className="muted">Dispatched as {r.origin}; submitted at block #{r.submitted}.
        {r.decisionEnds && block ? ` Decision period ends at #${r.decisionEnds} (${formatBlocks(Math.max(0, r.decisionEnds - block.number))}).` : ""}
        {r.confirmingUntil ? ` Confirming until #${r.confirmingUntil}.` : ""}</p>
      <dl className="facts">
        <dt>Aye</dt><dd data-testid="ayes">{formatBalance(r.ayes, token)}</dd>
        <dt>Nay</dt><dd data-testid="nays">{formatBalance(r.nays, token)}</dd>
        <dt>Approval</dt><dd>{r.approval === null ? "no votes" : formatPerbill(r.approval)}</dd>
        <dt>Support</dt><dd>{formatPerbill(r.support, 3)} of the issuance</dd>
      </dl>
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
  const onVote = (e: React.FormEvent) => {
    e.preventDefault();
    if (!amount.ok) return;
    const vote = (aye ? 0x80 : 0) | conviction;
    void send(api.tx.ConvictionVoting.vote({ poll_index: index, vote: { type: "Standard", value: { vote, balance: amount.planck } } }));
  };
  return (
    <form className="form inline" onSubmit={onVote} data-testid={`vote-${index}`}>
      <select name="direction" value={aye ? "aye" : "nay"} onChange={(e) => setAye(e.target.value === "aye")}>
        <option value="aye">Aye</option>
        <option value="nay">Nay</option>
      </select>
      <select name="conviction" value={conviction} onChange={(e) => setConviction(Number(e.target.value))}>
        {CONVICTIONS.map((c, i) => <option key={c.name} value={i}>{c.name}</option>)}
      </select>
      <input name="amount" placeholder={`amount (${token.symbol})`} value={amountText} onChange={(e) => setAmountText(e.target.value)} />
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
