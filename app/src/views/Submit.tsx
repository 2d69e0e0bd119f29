/**
 * Submit a proposal: title and body (typed, pasted or read from a file), the DAO it belongs to
 * and where it came from, the deposit the chain will hold shown before signing (and a body the
 * chain already has named), the transaction's progress, then the analysis arriving.
 */
import { useEffect, useState } from "react";
import { Binary } from "polkadot-api";
import { blake2b256 } from "@polkadot-labs/hdkd-helpers";
import { useChain, useConstants, useLive } from "../chain/ChainContext";
import { useTx } from "../chain/useTx";
import { TxProgress } from "../components/TxProgress";
import { formatBalance } from "../format";
import { href } from "../route";
import { proposal as readProposal } from "../chain/queries/proposals";
import { open, proposalTask } from "../chain/queries/inference";
import { directory, spaceName } from "../chain/queries/spaces";
import { toHex } from "../chain/hex";
import { stageOf } from "./proposalState";


const encoder = new TextEncoder();

export function Submit() {
  const { api, token, account } = useChain();
  const [title, setTitle] = useState("");
  const [body, setBody] = useState("");
  const [space, setSpace] = useState("");
  const [origin, setOrigin] = useState("");
  const [txFee, setTxFee] = useState<bigint | null>(null);
  const [tx, send, reset] = useTx();
  const [submitted, setSubmitted] = useState<number | null>(null);

  // The bounds are the runtime's; the deposit and fee are parameters governance may change.
  const bounds = useConstants(async (api) => {
    const [maxTitle, maxBody, maxOrigin] = await Promise.all([
      api.constants.Proposals.MaxTitleLen(), api.constants.Proposals.MaxBodyLen(), api.constants.Proposals.MaxOriginLen(),
    ]);
    return { maxTitle, maxBody, maxOrigin };
  });
  const params = useLive((at) => api.query.Proposals.Params.getValue({ at }));
  const balance = useLive(async (at) => (account ? api.query.System.Account.getValue(account.address, { at }) : null), [account?.address]);
  const spaces = useLive((at) => directory(api, at), []);
  // Which existing proposals carry this exact body (`Proposals.with_content`).
  const same = useLive(async (at) => (body ? api.view.Proposals.with_content(toHex(blake2b256(encoder.encode(body))), { at }) : []), [body]);
  const limits = bounds && params.data
    ? { ...bounds, base: params.data.deposit_base, perByte: params.data.deposit_per_byte, fee: params.data.proposal_fee, record: params.data.record_deposit }
    : null;

  const titleBytes = encoder.encode(title.trim()).length;
  const bodyBytes = encoder.encode(body).length;
  const originBytes = encoder.encode(origin.trim()).length;
  const problem =
    titleBytes === 0 ? "Give the proposal a title." :
    bodyBytes === 0 ? "Write, paste or load the proposal's body." :
    limits && titleBytes > limits.maxTitle ? `The title is ${titleBytes} bytes; at most ${limits.maxTitle}.` :
    limits && bodyBytes > limits.maxBody ? `The body is ${bodyBytes} bytes; at most ${limits.maxBody}.` :
    limits && originBytes > limits.maxOrigin ? `The origin is ${originBytes} bytes; at most ${limits.maxOrigin}.` : null;
  const deposit = limits ? limits.base + limits.perByte * BigInt(bodyBytes + originBytes) : null;
  // What the account can spend: free less what is frozen (conviction locks, staked nodes).
  const spendable = balance.data ? balance.data.data.free - balance.data.data.frozen : null;
  const needed = deposit !== null ? deposit + (txFee ?? 0n) : null;
  const cannotPay = !problem && spendable !== null && needed !== null && spendable < needed;
  const call = () => space === "" && origin.trim() === ""
    ? api.tx.Proposals.submit_proposal({ title: Binary.fromText(title.trim()), body: Binary.fromText(body) })
    : api.tx.Proposals.file_proposal({
      space: space === "" ? undefined : Number(space),
      source: Binary.fromText(origin.trim()),
      title: Binary.fromText(title.trim()),
      body: Binary.fromText(body),
    });

  useEffect(() => {
    setTxFee(null);
    if (problem || !account) return;
    const timer = setTimeout(() => call().getEstimatedFees(account.address).then(setTxFee, () => setTxFee(null)), 300);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [title, body, space, origin, account?.address, problem]);

  const onFile = async (file: File | undefined) => {
    if (!file) return;
    const text = await file.text();
    setBody(text);
    if (!title) setTitle(file.name.replace(/\.(md|txt)$/i, ""));
  };

  const onSubmit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (problem || cannotPay) return;
    const result = await send(call());
    if (result.stage === "finalized") {
      const event = result.events.find((ev) => ev.type === "Proposals" && ev.value.type === "ProposalSubmitted");
      const id = (event?.value.value as { id?: number } | undefined)?.id;
      if (id !== undefined) setSubmitted(id);
      // The form starts empty again: a second click cannot send the same proposal twice.
      setTitle("");
      setBody("");
      setOrigin("");
      setSpace("");
    }
  };

  return (
    <section>
      <h1>Submit a proposal</h1>
      <form onSubmit={onSubmit} className="form" data-testid="submit-form">
        <label>Title <input name="title" value={title} onChange={(e) => { setTitle(e.target.value); reset(); }} maxLength={limits?.maxTitle} /></label>
        <label>Body (Markdown or plain text)
          <textarea name="body" rows={14} value={body} onChange={(e) => { setBody(e.target.value); reset(); }} />
        </label>
        <label>…or load it from a file <input type="file" accept=".md,.txt,text/*" onChange={(e) => onFile(e.target.files?.[0])} /></label>
        <label>DAO (optional)
          <select name="space" value={space} onChange={(e) => { setSpace(e.target.value); reset(); }}>
            <option value="">none</option>
            {(spaces.data ?? []).map((s) => <option key={s.id} value={s.id}>{spaceName(s)}</option>)}
          </select>
        </label>
        <label>Origin (optional: where the proposal lives, a URL or an id such as a Snapshot proposal's)
          <input name="origin" value={origin} onChange={(e) => { setOrigin(e.target.value); reset(); }} />
        </label>
        {same.data && same.data.length > 0 && (
          <p className="warning" data-testid="already-submitted">
            This text was already submitted as {same.data.map((id, i) => <span key={id}>{i > 0 ? ", " : ""}<a href={href("proposals", id)}>#{id}</a></span>)}: the network would analyse it again, and you would pay a second deposit and fee.
          </p>
        )}
        {deposit !== null && limits && (
          <p data-testid="deposit">
            Deposit held: <strong>{formatBalance(deposit, token)}</strong> ({formatBalance(limits.base, token)} + {formatBalance(limits.perByte, token, 8)} × {bodyBytes + originBytes} bytes).
            It is returned when the proposal is analysed, less {formatBalance(limits.fee, token)} paid to the network; {formatBalance(limits.record, token)} stays held until you remove the finished record.
            {txFee !== null && <> Transaction fee about {formatBalance(txFee, token, 6)}.</>}
          </p>
        )}
        {problem && (title || body) && <p className="hint">{problem}</p>}
        {cannotPay && needed !== null && spendable !== null && (
          <p className="error" data-testid="cannot-pay">
            This account can spend {formatBalance(spendable, token)}; the deposit and the transaction fee come to {formatBalance(needed, token)}. Ask for a transfer, or choose another account.
          </p>
        )}
        <button type="submit" disabled={!!problem || cannotPay || !account || (tx.stage !== "idle" && tx.stage !== "failed" && tx.stage !== "finalized")}>
          Sign and submit{account ? ` as ${account.name}` : ""}
        </button>
        {!account && <p className="hint">Choose an account (top right) to sign with.</p>}
      </form>
      <TxProgress state={tx} />
      {submitted !== null && (
        <>
          <p data-testid="submitted">Proposal #{submitted} is on chain. <a href={href("proposals", submitted)}>Follow its analysis →</a></p>
          <Arriving id={submitted} />
        </>
      )}
    </section>
  );
}

/** The analysis of proposal `id` arriving, block by block. */
function Arriving({ id }: { id: number }) {
  const { api } = useChain();
  const state = useLive(async (at) => {
    const [proposal, task, now] = await Promise.all([readProposal(api, id, at), proposalTask(api, id, at), api.query.System.Number.getValue({ at })]);
    return { stage: stageOf(proposal, task, now), now, running: open(task) };
  }, [id]);
  if (!state.data) return null;
  const { stage, now, running } = state.data;
  return (
    <p className="muted" data-testid="arriving" data-stage={stage}>
      Block #{now}: {stage}
      {running ? ` — ${running.commits} of ${running.committee.length} committed, ${running.reveals} revealed` : ""}.
    </p>
  );
}
