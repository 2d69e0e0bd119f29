/**
 * Contribute data: proposals whose label is not yet verified, annotated with one of the model's
 * labels and a bond (held until the label settles: returned with a share of the points when the
 * label settles on yours, less the disagreement slash when it does not); one's own annotations
 * with their status, and one's contribution record.
 */
import { useEffect, useState } from "react";
import { useChain, useConstants, useLive } from "../chain/ChainContext";
import { useTx } from "../chain/useTx";
import { TxProgress } from "../components/TxProgress";
import { formatBalance, formatPerbill, parseBalance } from "../format";
import { href } from "../route";

const WINDOW = 40;

export function Contribute() {
  const { api, rpc, labels, token, account } = useChain();
  const [chosen, setChosen] = useState<number | null>(null);
  const [label, setLabel] = useState(0);
  const [bondText, setBondText] = useState("");
  const [tx, send, reset] = useTx();

  const rules = useConstants(async (api) => {
    const [minBond, verification, threshold, slash] = await Promise.all([
      api.constants.Proposals.MinAnnotationBond(),
      api.constants.Proposals.VerificationBond(),
      api.constants.Proposals.AgreementThreshold(),
      api.constants.Proposals.DisagreementSlash(),
    ]);
    return { minBond, verification, threshold, slash };
  });
  // The bond starts at the least the chain accepts.
  useEffect(() => {
    if (rules) setBondText((t) => t || formatBalance(rules.minBond, token, 12).replace(/ .*/, "").replace(/,/g, ""));
  }, [rules, token]);

  const data = useLive(async (at) => {
    const next = await api.query.Proposals.NextProposalId.getValue({ at });
    const ids = Array.from({ length: Math.min(next, WINDOW) }, (_, i) => next - 1 - i);
    const rows = (await Promise.all(ids.map((id) => rpc.proposal(id, at)))).filter((p) => p !== null);
    const mine = account
      ? await Promise.all(rows.map((p) => api.query.Proposals.Annotations.getValue(p.id, account.address, { at }).then((a) => (a ? { proposal: p, annotation: a } : null))))
      : [];
    const record = account ? await rpc.contributions(account.address, at) : null;
    const annotated = mine.filter((m) => m !== null);
    const done = new Set(annotated.map((m) => m.proposal.id));
    return { open: rows.filter((p) => p.verifiedLabel === null && p.author !== account?.address && !done.has(p.id)), mine: annotated, record };
  }, [account?.address]);

  const bond = parseBalance(bondText, token);
  const bondProblem = !bond.ok ? bond.error : rules && bond.planck < rules.minBond ? `The bond must be at least ${formatBalance(rules.minBond, token)}.` : null;

  const onAnnotate = async (e: React.FormEvent) => {
    e.preventDefault();
    if (chosen === null || !bond.ok || bondProblem) return;
    await send(api.tx.Proposals.annotate({ id: chosen, label, bond: bond.planck, note_hash: undefined }));
  };

  const label_ = (i: number | null) => (i === null ? "—" : labels[i] ?? `label ${i}`);
  return (
    <section>
      <h1>Contribute data</h1>
      {rules && (
        <p className="muted">
          A label is verified when {formatBalance(rules.verification, token)} of bonds back one label with at least {formatPerbill(rules.threshold)} of them, and no challenge overturns it in its window.
          A bond on the losing label loses {formatPerbill(rules.slash)}; one on the winning label earns reward points. Many small accounts gain nothing over one: weight is the bond, not the head count.
        </p>
      )}
      {data.data?.record && (
        <p data-testid="my-record">Your record: {data.data.record.proposals} proposals submitted, {data.data.record.annotations} annotations, {data.data.record.agreed} agreed with the verified label, {data.data.record.disagreed} did not.</p>
      )}
      <h2>Awaiting annotation</h2>
      {!data.data ? <p className="muted">Reading…</p> : data.data.open.length === 0 ? <p>Nothing awaits annotation.</p> : (
        <table className="list" data-testid="awaiting">
          <thead><tr><th>#</th><th>Title</th><th>Network's label</th><th>Bonded per label</th><th></th></tr></thead>
          <tbody>
            {data.data.open.map((p) => (
              <tr key={p.id}>
                <td>{p.id}</td>
                <td><a href={href("proposals", p.id)}>{p.title}</a></td>
                <td>{label_(p.analysedLabel)}</td>
                <td>{p.bonded.map((b, i) => (BigInt(b) > 0n ? `${label_(i)}: ${formatBalance(b, token, 2)}` : null)).filter(Boolean).join(" · ") || "none"}{p.provisionalLabel !== null ? ` (provisional: ${label_(p.provisionalLabel)}, settles at #${p.settlesAt})` : ""}</td>
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
          <button type="submit" disabled={!!bondProblem || !account}>Sign and annotate</button>
          <TxProgress state={tx} />
        </form>
      )}
      <h2>Your annotations</h2>
      {!account ? <p>Choose an account to see your annotations.</p> : !data.data || data.data.mine.length === 0 ? <p>None among the latest {WINDOW} proposals.</p> : (
        <table className="list" data-testid="my-annotations">
          <thead><tr><th>#</th><th>Title</th><th>Your label</th><th>Bond</th><th>Status</th></tr></thead>
          <tbody>
            {data.data.mine.map(({ proposal, annotation }) => (
              <tr key={proposal.id}>
                <td>{proposal.id}</td>
                <td>{proposal.title}</td>
                <td>{label_(annotation.label)}</td>
                <td>{formatBalance(annotation.bond, token)}</td>
                <td>{proposal.verifiedLabel !== null ? (proposal.verifiedLabel === annotation.label ? "verified: agreed" : "verified: disagreed") : proposal.provisionalLabel !== null ? `provisional (${label_(proposal.provisionalLabel)})` : "bond held, awaiting verification"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
