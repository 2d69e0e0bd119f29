/**
 * A proposal's analysis card: its stage, the agreed label and per-class scores, the brief
 * (key sentences and figures) and similar earlier proposals, the model that produced it, and
 * the committee — every member's stake, commit, reveal, answer and outcome. The body is fetched
 * by its CID and checked against the hash the chain recorded.
 */
import { useEffect, useState } from "react";
import { blake2b256 } from "@polkadot-labs/hdkd-helpers";
import { useChain, useLive } from "../chain/ChainContext";
import { fromHex, toHex } from "../chain/hex";
import { analysedLabel, cid, errorReport, proposal as readProposal, title } from "../chain/queries/proposals";
import { committee, consensus, judged, open, proposalTask, similar as readSimilar, unreadable, type Task } from "../chain/queries/inference";
import { node as readNode, taskOf } from "../chain/queries/nodes";
import { useReadableFloor } from "../chain/queries/constants";
import { ScoreBars } from "../components/ScoreBars";
import { TxProgress } from "../components/TxProgress";
import { useTx } from "../chain/useTx";
import { Markdown } from "../components/Markdown";
import { space as readSpace, spaceName } from "../chain/queries/spaces";
import { ExternalLink } from "./Spaces";
import { formatBalance, formatBasisPoints, formatPerbill, formatPpm, shortAddress } from "../format";
import { href } from "../route";
import { stageOf, type Stage } from "./proposalState";

const STAGES: Stage[] = ["pending", "committee drawn", "commits", "reveals", "analysed"];

const utf8 = new TextDecoder();

/** A seat of the committee with what it did. */
interface Seat {
  node: string;
  stake: bigint;
  /** The seats it won: its answer counts once for each. */
  seats: number;
  committed: boolean | null;
  revealed: boolean | null;
  answer: number | null;
  outcome: string | null;
}

/** The body by CID, checked against the recorded hash: `{ bytes, text }` or `{ error }`. */
function useBody(cid: string | undefined, contentHash: string | undefined) {
  const { rpc } = useChain();
  const [body, setBody] = useState<{ bytes?: Uint8Array; text?: string; error?: string } | null>(null);
  useEffect(() => {
    if (!cid || !contentHash) return;
    let live = true;
    rpc.body(cid).then(
      (hex) => {
        const bytes = fromHex(hex);
        const hash = toHex(blake2b256(bytes));
        if (!live) return;
        if (hash !== contentHash.toLowerCase()) setBody({ error: `The node served a body whose hash ${hash} is not the recorded ${contentHash}: not shown.` });
        else setBody({ bytes, text: utf8.decode(bytes) });
      },
      (e: unknown) => live && setBody({ error: `The body could not be fetched by its CID: ${e instanceof Error ? e.message : String(e)}` }),
    );
    return () => {
      live = false;
    };
  }, [cid, contentHash, rpc]);
  return body;
}

/** The text of byte range `span` of the body, once the body is at hand. */
function spanText(body: Uint8Array | undefined, span: { start: number; end: number }): string | null {
  return body && span.end <= body.length ? utf8.decode(body.subarray(span.start, span.end)) : null;
}

/** An outcome or figure kind as the chain names it (`Agreed`, `ParameterChange`), in words. */
function words(type: string): string {
  return type.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
}
const outcomeName = words;
const figureKind = (type: string) => words(type).replace(/ /g, "-");

/**
 * The committee of `task` with what each member did: while open, its commits and reveals; once
 * judged, the seats the result keeps and each member's outcome from its node's history.
 */
async function seatsOf(chain: ReturnType<typeof useChain>, task: Task, at: string): Promise<Seat[]> {
  const { api } = chain;
  const running = open(task);
  if (running) {
    return Promise.all(
      running.committee.map(async (m) => {
        const [commit, reveal] = await Promise.all([
          api.query.Inference.Commitments.getValue(task.id, m.node, { at }),
          api.query.Inference.Reveals.getValue(task.id, m.node, { at }),
        ]);
        return { node: m.node, stake: m.stake, seats: m.seats, committed: commit !== undefined, revealed: reveal !== undefined, answer: reveal?.label ?? null, outcome: null };
      }),
    );
  }
  const agreed = consensus(task);
  return Promise.all(
    committee(task).map(async (m) => {
      const record = await readNode(api, m.node, at);
      const entry = record?.history.find((h) => taskOf(h) === task.id);
      const outcome = entry ? outcomeName(entry.outcome.type) : null;
      // Answers are not kept after judgement: an agreeing member answered the agreed label.
      return {
        node: m.node,
        stake: m.stake,
        seats: m.seats,
        committed: outcome === null ? null : outcome !== "missed",
        revealed: outcome === null ? null : outcome === "agreed" || outcome === "disagreed",
        answer: outcome === "agreed" && agreed ? agreed.label : null,
        outcome,
      };
    }),
  );
}

export function ProposalDetail({ id }: { id: number }) {
  const chain = useChain();
  const { api, labels, token } = chain;
  const floor = useReadableFloor();
  const card = useLive(async (at) => {
    const [proposal, task, now, next] = await Promise.all([
      readProposal(api, id, at), proposalTask(api, id, at), api.query.System.Number.getValue({ at }), api.query.Proposals.NextProposalId.getValue({ at }),
    ]);
    const [seats, similar, model] = await Promise.all([
      task ? seatsOf(chain, task, at) : Promise.resolve([]),
      consensus(task) ? readSimilar(api, id, 5, at).catch(() => []) : Promise.resolve([]),
      task ? api.query.ModelRegistry.VersionOfHash.getValue(task.status.value.model, { at }) : Promise.resolve(undefined),
    ]);
    const similarTitles = await Promise.all(similar.map(([other]) => readProposal(api, other, at).then((p) => (p ? title(p) : `#${other}`))));
    const space = proposal?.space !== undefined ? await readSpace(api, proposal.space, at) : null;
    let modelInfo = null;
    if (model) {
      const [modelId, version] = model;
      const [record, entry, activatedBy] = await Promise.all([
        api.query.ModelRegistry.Models.getValue(modelId, { at }),
        api.query.ModelRegistry.Versions.getValue(modelId, version, { at }),
        api.query.ModelRegistry.ActivatedBy.getValue(modelId, version, { at }),
      ]);
      modelInfo = { modelId, version, name: record ? utf8.decode(record.name) : "", active: record?.active === version, registeredAt: entry?.registered_at ?? null, activatedBy: activatedBy ?? null };
    }
    return { proposal, task, now, next, seats, space, similar: similar.map(([proposal, similarity], i) => ({ proposal, similarity, title: similarTitles[i] })), model: modelInfo };
  }, [id]);
  const body = useBody(card.data?.proposal ? cid(card.data.proposal) : undefined, card.data?.proposal?.content_hash);

  if (card.error && !card.data) return <p className="error">Could not read proposal {id}: {card.error}</p>;
  if (!card.data) return <p className="muted">Reading proposal {id}…</p>;
  const { proposal, task, now, next, seats, similar, model, space } = card.data;
  if (!proposal && id >= next) {
    return (
      <section data-testid="proposal-card" data-stage="none">
        <p><a href={href("proposals")}>← Proposals</a></p>
        <h1>Proposal {id}</h1>
        <p data-testid="no-such-proposal">There is no proposal #{id}: the chain has {next} proposal{next === 1 ? "" : "s"} so far (#0 to #{Math.max(0, next - 1)}).</p>
      </section>
    );
  }
  const origin = proposal ? utf8.decode(proposal.origin) : "";
  const stage = stageOf(proposal, task, now);
  const reached = STAGES.indexOf(stage);
  const running = open(task);
  const result = judged(task);
  const agreed = consensus(task);
  const analysed = proposal ? analysedLabel(proposal) : null;

  return (
    <section data-testid="proposal-card" data-stage={stage}>
      <p><a href={href("proposals")}>← Proposals</a></p>
      <h1>{proposal ? title(proposal) : `Proposal ${id}`}</h1>
      {!proposal ? (
        <p data-testid="record-gone">This proposal's record is gone: its author withdrew it or removed the finished record, or governance marked it as spam. A verified label stays in the training set.</p>
      ) : (
        <dl className="facts">
          {proposal.space !== undefined && (
            <><dt>DAO</dt><dd data-testid="proposal-space"><a href={href("daos", proposal.space)}>{space ? spaceName(space) : `space #${proposal.space}`}</a>{space && space.admin === proposal.author ? " · filed by its admin" : ""}</dd></>
          )}
          {origin && <><dt>Origin</dt><dd data-testid="origin"><ExternalLink url={origin} /></dd></>}
          <dt>Author</dt><dd className="mono">{proposal.author}</dd>
          <dt>Submitted</dt><dd>block #{proposal.submitted_at}</dd>
          <dt>Deposit</dt>
          <dd data-testid="deposit-state">
            {proposal.deposit > 0n
              ? <>{formatBalance(proposal.deposit, token)} held{now < proposal.deposit_held_until ? ` at least until block #${proposal.deposit_held_until}` : " until the analysis or the label settles"}</>
              : proposal.record_deposit > 0n
                ? <>released; {formatBalance(proposal.record_deposit, token)} stays held while the finished record exists</>
                : "released"}
          </dd>
          <dt>Body</dt><dd>{proposal.body_len} bytes · CID <span className="mono">{cid(proposal)}</span></dd>
        </dl>
      )}
      {proposal && <AuthorActions id={id} proposal={proposal} />}
      {proposal && <ol className="stages" data-testid="stages">
        {STAGES.map((s, i) => (
          <li key={s} className={i < reached ? "done" : i === reached ? "current" : "todo"}>{s}</li>
        ))}
        {reached < 0 && <li className="current">{stage}</li>}
      </ol>}

      {running && (
        <p>Committee of {running.committee.length}: {running.commits} committed, {running.reveals} revealed. Commits until block #{running.commit_end}, reveals until #{running.reveal_end} (now #{now}).</p>
      )}

      {agreed && unreadable(task, floor) && (
        <div className="analysis" data-testid="analysis">
          <h2 data-testid="unreadable">The model cannot read this proposal's language</h2>
          <p>
            Only {formatBasisPoints(agreed.readable, 0)} of its letters are in words the model knows (it needs{" "}
            {formatBasisPoints(floor ?? 0, 0)}), so the committee's label would say nothing about it and is not shown.
            The model reads English; a translation submitted as a new proposal can be analysed.
          </p>
        </div>
      )}

      {agreed && result && !unreadable(task, floor) && (
        <div className="analysis" data-testid="analysis">
          <h2>Analysis: <span data-testid="agreed-label">{labels[agreed.label] ?? `label ${agreed.label}`}</span></h2>
          <p className="muted">Agreed by {formatPerbill(result.participation)} of the committee's seats revealing, at block #{result.finalized_at}.</p>
          <ScoreBars labels={labels} scores={agreed.scores} highlight={agreed.label} />
          {agreed.brief.sentences.length > 0 && (
            <>
              <h3>Key sentences</h3>
              <ol data-testid="key-sentences">
                {agreed.brief.sentences.map((s) => <li key={s.start}>{spanText(body?.bytes, s) ?? `bytes ${s.start}–${s.end}`}</li>)}
              </ol>
            </>
          )}
          {agreed.brief.figures.length > 0 && (
            <>
              <h3>Key figures</h3>
              <ul className="figures" data-testid="key-figures">
                {agreed.brief.figures.map((f) => (
                  <li key={`${f.span.start}-${f.span.end}`}><span className="tag">{figureKind(f.kind.type)}</span> {spanText(body?.bytes, f.span) ?? `bytes ${f.span.start}–${f.span.end}`}</li>
                ))}
              </ul>
            </>
          )}
          {similar.length > 0 && (
            <>
              <h3>Similar earlier proposals</h3>
              <ul data-testid="similar">
                {similar.map((s) => <li key={s.proposal}><a href={href("proposals", s.proposal)}>{s.title}</a> · {formatPpm(s.similarity)} similar</li>)}
              </ul>
            </>
          )}
        </div>
      )}
      {proposal && proposal.verified_label !== undefined && (
        errorReport(proposal) ? (
          <p className="warning" data-testid="error-report">
            Error report: annotators verified <strong>{labels[proposal.verified_label] ?? `label ${proposal.verified_label}`}</strong>
            {analysed !== null
              ? `, where the network answered ${labels[analysed] ?? `label ${analysed}`}`
              : ", where the network gave no label"}. Training rounds weigh this proposal twice.
          </p>
        ) : (
          <p data-testid="verified-label">Annotators verified the label <strong>{labels[proposal.verified_label] ?? `label ${proposal.verified_label}`}</strong>.</p>
        )
      )}
      {result && !agreed && (
        <p className="warning" data-testid="analysis">
          No label held the consensus threshold ({result.outcome.type === "NoConsensus" ? "the committee disagreed" : "too few members answered"}
          {result.round > 0 ? `, round ${result.round + 1}` : ""}){proposal?.analysis.type === "Unanswered"
            ? "; the network tried every round it allows and the analysis ended without a label. The deposit is released as for an analysed proposal."
            : "; the proposal is analysed again by a larger committee without this one's members."}
        </p>
      )}

      {task && (
        <>
          <h2>Model</h2>
          <p data-testid="model">
            {model ? <>{model.name} version {model.version}{model.active ? " (active)" : ""}, registered at block #{model.registeredAt}{model.activatedBy !== null ? `, activated by referendum #${model.activatedBy}` : ""} · </> : null}
            sha256 <span className="mono">{task.status.value.model}</span> · <a href={href("governance")}>model registry and referenda</a>
          </p>
          <h2>Committee</h2>
          <table className="list" data-testid="committee">
            <thead><tr><th>Node</th><th>Seats</th><th>Stake</th><th>Commit</th><th>Reveal</th><th>Answer</th><th>Outcome</th></tr></thead>
            <tbody>
              {seats.map((s) => (
                <tr key={s.node}>
                  <td className="mono"><a href={href("nodes", s.node)}>{shortAddress(s.node)}</a></td>
                  <td>{s.seats}</td>
                  <td>{formatBalance(s.stake, token, 0)}</td>
                  <td>{s.committed === null ? "—" : s.committed ? "✓" : "✗"}</td>
                  <td>{s.revealed === null ? "—" : s.revealed ? "✓" : "✗"}</td>
                  <td>{s.answer !== null ? labels[s.answer] ?? s.answer : "—"}</td>
                  <td>{s.outcome ?? "pending"}{s.outcome === "disagreed" || s.outcome === "missed" ? " (punished: reputation and stake)" : ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}

      {proposal && <h2>Body</h2>}
      {proposal && (!body ? <p className="muted">Fetching the body by its CID…</p> : body.error ? <p className="error">{body.error}</p> : (
        <>
          <p className="muted">{body.text?.length ?? 0} characters, fetched by CID and checked against the recorded hash; shown as Markdown.</p>
          <div className="body" data-testid="body"><Markdown text={body.text ?? ""} /></div>
        </>
      ))}
    </section>
  );
}

/**
 * What the author can do with their proposal: withdraw it while it is pending (the deposit back
 * less the fee, and less half of it once a committee is drawn), or remove the finished record
 * (the record deposit back; a verified label stays in the training set).
 */
function AuthorActions({ id, proposal }: { id: number; proposal: NonNullable<Awaited<ReturnType<typeof readProposal>>> }) {
  const { api, account, token } = useChain();
  const [tx, send] = useTx();
  const params = useLive((at) => api.query.Proposals.Params.getValue({ at }), []);
  if (!account || account.address !== proposal.author || !params.data) return null;
  const busy = tx.stage !== "idle" && tx.stage !== "failed" && tx.stage !== "finalized";
  const withdrawable = proposal.analysis.type === "Pending" && proposal.verified_label === undefined && proposal.provisional === undefined;
  const removable = proposal.deposit === 0n && proposal.provisional === undefined;
  if (!withdrawable && !removable) return null;
  return (
    <div className="card" data-testid="author-actions">
      {withdrawable && (
        <p>
          <button disabled={busy} onClick={() => send(api.tx.Proposals.withdraw_proposal({ id }))}>Withdraw this proposal</button>{" "}
          Returns the deposit less the {formatBalance(params.data.proposal_fee, token)} fee; once a committee is drawn, also less {formatPerbill(params.data.redraw_penalty, 0)} of the deposit.
        </p>
      )}
      {removable && (
        <p>
          <button disabled={busy} onClick={() => send(api.tx.Proposals.remove_proposal({ id }))}>Remove the finished record</button>{" "}
          Returns the {formatBalance(proposal.record_deposit, token)} record deposit; a verified label stays in the training set.
        </p>
      )}
      <TxProgress state={tx} />
    </div>
  );
}
