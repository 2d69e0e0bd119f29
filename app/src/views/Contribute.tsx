/**
 * Contribute data: proposals whose label is not yet verified, annotated with one of the model's
 * labels and a bond (held until the label settles: returned with a share of what the losing side
 * forfeits when the label settles on yours, less the disagreement slash when it does not; reward
 * points only for a correction of the network's label named first); annotations sealed blind
 * while the network has not answered, revealed from this browser's saved salt; one's own
 * annotations with their status, and one's contribution record.
 */
import { useEffect, useMemo, useState } from "react";
import { useChain, useLive } from "../chain/ChainContext";
import { useTx } from "../chain/useTx";
import { commitment, newSalt, saveSeal, savedSeal } from "../chain/seal";
import { fromHex, toHex } from "../chain/hex";
import { analysedLabel, contributions, proposal as readProposal, title } from "../chain/queries/proposals";
import { TxProgress } from "../components/TxProgress";
import { formatBalance, formatPerbill, parseBalance } from "../format";
import { href } from "../route";

const WINDOW = 40;

export function Contribute() {
  const { api, labels, token, account } = useChain();
  const [chosen, setChosen] = useState<number | null>(null);
  const [label, setLabel] = useState(0);
  const [bondText, setBondText] = useState("");
  const [sealed, setSealed] = useState(false);
  const [tx, send, reset] = useTx();

  // The annotation rules are parameters governance may change: read at every finalised block.
  const params = useLive((at) => api.query.Proposals.Params.getValue({ at }));
  const rules = useMemo(
    () => (params.data
      ? { minBond: params.data.min_annotation_bond, verification: params.data.verification_bond, slash: params.data.disagreement_slash, points: params.data.correction_points }
      : null),
    [params.data],
  );
  // The bond starts at the least the chain accepts.
  useEffect(() => {
    if (rules) setBondText((t) => t || formatBalance(rules.minBond, token, 12).replace(/ .*/, "").replace(/,/g, ""));
  }, [rules, token]);

  const data = useLive(async (at) => {
    const next = await api.query.Proposals.NextProposalId.getValue({ at });
    const ids = Array.from({ length: Math.min(next, WINDOW) }, (_, i) => next - 1 - i);
    const rows = (await Promise.all(ids.map((id) => readProposal(api, id, at)))).filter((p) => p !== null);
    const mine = account
      ? await Promise.all(rows.map((p) => api.query.Proposals.Annotations.getValue(p.id, account.address, { at }).then((a) => (a ? { proposal: p, annotation: a } : null))))
      : [];
    const record = account ? await contributions(api, account.address, at) : null;
    const annotated = mine.filter((m) => m !== null);
    const done = new Set(annotated.map((m) => m.proposal.id));
    return { open: rows.filter((p) => p.verified_label === undefined && p.author !== account?.address && !done.has(p.id)), mine: annotated, record };
  }, [account?.address]);

  const bond = parseBalance(bondText, token);
  const bondProblem = !bond.ok ? bond.error : rules && bond.planck < rules.minBond ? `The bond must be at least ${formatBalance(rules.minBond, token)}.` : null;

  const chosenProposal = data.data?.open.find((p) => p.id === chosen) ?? null;
  const canSeal = chosenProposal?.analysis.type === "Pending";

  const onAnnotate = async (e: React.FormEvent) => {
    e.preventDefault();
    if (chosen === null || !bond.ok || bondProblem || !account) return;
    if (sealed && canSeal) {
      const salt = newSalt();
      // Saved before signing: a seal whose salt is lost can never be revealed.
      saveSeal(account.address, chosen, { label, salt: toHex(salt) });
      await send(api.tx.Proposals.seal_annotation({ id: chosen, commitment: commitment(chosen, label, salt, account.address), bond: bond.planck, note_hash: undefined }));
    } else {
      await send(api.tx.Proposals.annotate({ id: chosen, label, bond: bond.planck, note_hash: undefined }));
    }
  };

  const onReveal = async (id: number) => {
    if (!account) return;
    const seal = savedSeal(account.address, id);
    if (!seal) return;
    setChosen(null);
    reset();
    await send(api.tx.Proposals.reveal_annotation({ id, label: seal.label, salt: toHex(fromHex(seal.salt)) }));
  };

  const label_ = (i: number | null) => (i === null ? "—" : labels[i] ?? `label ${i}`);
  return (
    <section>
      <h1>Contribute data</h1>
      {rules && (
        <p className="muted">
          Once {formatBalance(rules.verification, token)} of bonds are revealed, the label with the most bond leads a challenge window and is verified when it closes; a label that overtakes it near the end
          extends the window, so every late bond can be answered. A bond on a losing label loses {formatPerbill(rules.slash)} to the winning side. Reward points ({rules.points} per proposal) go only to a
          correction: a verified label other than the network's, to whoever named it first. Repeating the network's label earns nothing. Weight is the bond, not the head count.
        </p>
      )}
      {data.data?.record && (
        <p data-testid="my-record">Your record: {data.data.record.proposals} proposals submitted, {data.data.record.annotations} annotations, {data.data.record.agreed} agreed with the verified label, {data.data.record.disagreed} did not, {data.data.record.corrections} corrected the network.</p>
      )}
      <h2>Awaiting annotation</h2>
      {!data.data ? <p className="muted">Reading…</p> : data.data.open.length === 0 ? <p>Nothing awaits annotation.</p> : (
        <table className="list" data-testid="awaiting">
          <thead><tr><th>#</th><th>Title</th><th>Network's label</th><th>Bonded per label</th><th></th></tr></thead>
          <tbody>
            {data.data.open.map((p) => (
              <tr key={p.id}>
                <td>{p.id}</td>
                <td><a href={href("proposals", p.id)}>{title(p)}</a></td>
                <td>{p.analysis.type === "Pending" ? "not yet published" : label_(analysedLabel(p))}</td>
                <td>{p.bonded.map((b, i) => (b > 0n ? `${label_(i)}: ${formatBalance(b, token, 2)}` : null)).filter(Boolean).join(" · ") || "none"}{p.sealed > 0 ? ` · ${p.sealed} sealed` : ""}{p.provisional ? ` (leading: ${label_(p.provisional.label)}, settles at #${p.provisional.settles_at})` : ""}</td>
                <td><button data-testid={`annotate-${p.id}`} onClick={() => { setChosen(p.id); reset(); }}>Annotate</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {chosen !== null && (
        <form className="form" onSubmit={onAnnotate} data-testid="annotate-form">
          <h3>Annotate proposal #{chosen}</h3>
          <label>Label
            <select name="label" value={label} onChange={(e) => setLabel(Number(e.target.value))}>
              {labels.map((l, i) => <option key={l} value={i}>{l}</option>)}
            </select>
          </label>
          <label>Bond ({token.symbol}) <input name="bond" value={bondText} onChange={(e) => setBondText(e.target.value)} /></label>
          {bondProblem && <p className="hint">{bondProblem}</p>}
          {canSeal && (
            <label className="check">
              <input type="checkbox" name="sealed" checked={sealed} onChange={(e) => setSealed(e.target.checked)} />
              Seal it: the network has not answered yet, so the label can stay hidden until you reveal it here (the salt is kept in this browser)
            </label>
          )}
          <button type="submit" disabled={!!bondProblem || !account}>{sealed && canSeal ? "Sign and seal" : "Sign and annotate"}</button>
          <TxProgress state={tx} />
        </form>
      )}
      {chosen === null && <TxProgress state={tx} />}
      <h2>Your annotations</h2>
      {!account ? <p>Choose an account to see your annotations.</p> : !data.data || data.data.mine.length === 0 ? <p>None among the latest {WINDOW} proposals.</p> : (
        <table className="list" data-testid="my-annotations">
          <thead><tr><th>#</th><th>Title</th><th>Your label</th><th>Bond</th><th>Status</th></tr></thead>
          <tbody>
            {data.data.mine.map(({ proposal, annotation }) => {
              const mine = annotation.choice.type === "Label" ? annotation.choice.value : null;
              const seal = mine === null && account ? savedSeal(account.address, proposal.id) : null;
              return (
                <tr key={proposal.id}>
                  <td>{proposal.id}</td>
                  <td>{title(proposal)}</td>
                  <td>{mine !== null ? label_(mine) : seal ? `sealed (${label_(seal.label)})` : "sealed"}</td>
                  <td>{formatBalance(annotation.bond, token)}</td>
                  <td>
                    {mine === null ? (
                      seal ? <button data-testid={`reveal-${proposal.id}`} onClick={() => onReveal(proposal.id)}>Reveal</button>
                        : "sealed; its salt is not in this browser"
                    ) : proposal.verified_label !== undefined ? (proposal.verified_label === mine ? "verified: agreed" : "verified: disagreed")
                      : proposal.provisional ? `leading: ${label_(proposal.provisional.label)}` : "bond held, awaiting verification"}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
