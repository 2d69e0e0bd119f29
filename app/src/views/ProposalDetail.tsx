/**
 * A proposal's analysis card: its stage, the agreed label and per-class scores, the brief
 * (key sentences and figures) and similar earlier proposals, the model that produced it, and
 * the committee — every member's stake, commit, reveal, answer and outcome. The body is fetched
 * by its CID and checked against the hash the chain recorded.
 */
import { useEffect, useState } from "react";
import { blake2b256 } from "@polkadot-labs/hdkd-helpers";
import { useChain, useLive } from "../chain/ChainContext";
import { errorReport, unreadable, type MemberJson, type NodeJson, type TaskJson } from "../chain/rpc";
import { ScoreBars } from "../components/ScoreBars";
import { formatBalance, formatBasisPoints, formatPerbill, formatPpm, shortAddress } from "../format";
import { href } from "../route";
import { stageOf, type Stage } from "./proposalState";

const STAGES: Stage[] = ["pending", "committee drawn", "commits", "reveals", "analysed"];

const toHex = (bytes: Uint8Array) => `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
const fromHex = (hex: string) => Uint8Array.from((hex.replace(/^0x/, "").match(/../g) ?? []).map((b) => parseInt(b, 16)));

/** A seat of the committee with what it did. */
interface Seat {
  node: string;
  stake: string | null;
  /** The seats it won (each one vote), while the task is open. */
  seats: number | null;
  committed: boolean | null;
  revealed: boolean | null;
  answer: number | null;
  outcome: string | null;
}

/** The body by CID, checked: `{ text }` or `{ error }`. */
function useBody(cid: string | undefined, contentHash: string | undefined) {
  const { rpc } = useChain();
  const [body, setBody] = useState<{ text?: string; error?: string } | null>(null);
  useEffect(() => {
    if (!cid || !contentHash) return;
    let live = true;
    rpc.body(cid).then(
      (hex) => {
        const bytes = fromHex(hex);
        const hash = toHex(blake2b256(bytes));
        if (!live) return;
        if (hash !== contentHash.toLowerCase()) setBody({ error: `The node served a body whose hash ${hash} is not the recorded ${contentHash}: not shown.` });
        else setBody({ text: new TextDecoder().decode(bytes) });
      },
      (e: unknown) => live && setBody({ error: `The body could not be fetched by its CID: ${e instanceof Error ? e.message : String(e)}` }),
    );
    return () => {
      live = false;
    };
  }, [cid, contentHash, rpc]);
  return body;
}

async function committeeOf(chain: ReturnType<typeof useChain>, task: TaskJson, at: string): Promise<Seat[]> {
  const { api, rpc } = chain;
  if (task.status === "open") {
    return Promise.all(
      task.committee.map(async (m: MemberJson) => {
        const [commit, reveal] = await Promise.all([
          api.query.Inference.Commitments.getValue(task.id, m.node, { at }),
          api.query.Inference.Reveals.getValue(task.id, m.node, { at }),
        ]);
        return { node: m.node, stake: m.stake, seats: m.seats, committed: commit !== undefined, revealed: reveal !== undefined, answer: reveal?.label ?? null, outcome: null };
      }),
    );
  }
  // Judged: the seats live on in each node's history (answers are not kept after judgement).
  const nodes: NodeJson[] = await rpc.leaderboard(100, at);
  return nodes.flatMap((n) =>
    n.history
      .filter((h) => h.task === task.id)
      // An agreeing seat answered the agreed label; a disagreeing one's answer is not kept.
      .map((h) => ({ node: n.operator, stake: n.stake, seats: null, committed: h.outcome !== "missed", revealed: h.outcome === "agreed" || h.outcome === "disagreed", answer: h.outcome === "agreed" ? task.label : null, outcome: h.outcome })),
  );
}

export function ProposalDetail({ id }: { id: number }) {
  const chain = useChain();
  const { api, rpc, labels, token } = chain;
  const card = useLive(async (at) => {
    const [proposal, task, now] = await Promise.all([rpc.proposal(id, at), rpc.proposalTask(id, at), api.query.System.Number.getValue({ at })]);
    const [seats, similar, model] = await Promise.all([
      task ? committeeOf(chain, task, at) : Promise.resolve([]),
      task?.status === "judged" ? rpc.similar(id, 5, at).catch(() => []) : Promise.resolve([]),
      task ? api.query.ModelRegistry.VersionOfHash.getValue(task.model as `0x${string}`, { at }) : Promise.resolve(undefined),
    ]);
    const similarTitles = await Promise.all(similar.map((s) => rpc.proposal(s.proposal, at).then((p) => p?.title ?? `#${s.proposal}`)));
    let modelInfo = null;
    if (model) {
      const [modelId, version] = model;
      const [record, entry, activatedBy] = await Promise.all([
        api.query.ModelRegistry.Models.getValue(modelId, { at }),
        api.query.ModelRegistry.Versions.getValue(modelId, version, { at }),
        api.query.ModelRegistry.ActivatedBy.getValue(modelId, version, { at }),
      ]);
      modelInfo = { modelId, version, name: record ? new TextDecoder().decode(record.name) : "", active: record?.active === version, registeredAt: entry?.registered_at ?? null, activatedBy: activatedBy ?? null };
    }
    return { proposal, task, now, seats, similar: similar.map((s, i) => ({ ...s, title: similarTitles[i] })), model: modelInfo };
  }, [id]);
  const body = useBody(card.data?.proposal?.cid, card.data?.proposal?.contentHash);

  if (card.error && !card.data) return <p className="error">Could not read proposal {id}: {card.error}</p>;
  if (!card.data) return <p className="muted">Reading proposal {id}…</p>;
  const { proposal, task, now, seats, similar, model } = card.data;
  const stage = stageOf(proposal, task, now);
  const reached = STAGES.indexOf(stage);

  return (
    <section data-testid="proposal-card" data-stage={stage}>
      <p><a href={href("proposals")}>← Proposals</a></p>
      <h1>{proposal?.title ?? `Proposal ${id}`}</h1>
      {!proposal ? (
        <p>This proposal was withdrawn by its author or marked as spam; its record is gone.</p>
      ) : (
        <dl className="facts">
          <dt>Author</dt><dd className="mono">{proposal.author}</dd>
          <dt>Submitted</dt><dd>block #{proposal.submittedAt}</dd>
          <dt>Deposit held</dt><dd>{formatBalance(proposal.deposit, token)} (until block #{proposal.depositHeldUntil})</dd>
          <dt>Body</dt><dd>{proposal.bodyLen} bytes · CID <span className="mono">{proposal.cid}</span></dd>
        </dl>
      )}
      <ol className="stages" data-testid="stages">
        {STAGES.map((s, i) => (
          <li key={s} className={i < reached ? "done" : i === reached ? "current" : "todo"}>{s}</li>
        ))}
        {reached < 0 && <li className="current">{stage}</li>}
      </ol>

      {task && task.status === "open" && (
        <p>Committee of {task.committee.length}: {task.commits ?? 0} committed, {task.reveals ?? 0} revealed. Commits until block #{task.commitEnd}, reveals until #{task.revealEnd} (now #{now}).</p>
      )}

      {task?.status === "judged" && task.outcome === "consensus" && unreadable(task) && (
        <div className="analysis" data-testid="analysis">
          <h2 data-testid="unreadable">The model cannot read this proposal's language</h2>
          <p>
            Only {formatBasisPoints(task.readable ?? 0, 0)} of its letters are in words the model knows (it needs{" "}
            {formatBasisPoints(task.readableFloor, 0)}), so the committee's label would say nothing about it and is not shown.
            The model reads English; a translation submitted as a new proposal can be analysed.
          </p>
        </div>
      )}

      {task?.status === "judged" && task.outcome === "consensus" && task.label !== null && !unreadable(task) && (
        <div className="analysis" data-testid="analysis">
          <h2>Analysis: <span data-testid="agreed-label">{labels[task.label] ?? `label ${task.label}`}</span></h2>
          <p className="muted">Agreed by {formatPerbill(task.participation ?? 0)} of the committee's seats revealing, at block #{task.finalizedAt}.</p>
          {task.scores && <ScoreBars labels={labels} scores={task.scores} highlight={task.label} />}
          {task.brief && (
            <>
              <h3>Key sentences</h3>
              <ol data-testid="key-sentences">
                {task.brief.sentences.map((s) => <li key={s.index}>{s.text ?? `sentence ${s.index}`}</li>)}
              </ol>
              {task.brief.figures.length > 0 && (
                <>
                  <h3>Key figures</h3>
                  <ul className="figures" data-testid="key-figures">
                    {task.brief.figures.map((f) => (
                      <li key={`${f.start}-${f.end}`}><span className="tag">{f.kind}</span> {f.text ?? `bytes ${f.start}–${f.end}`}</li>
                    ))}
                  </ul>
                </>
              )}
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
      {proposal && proposal.verifiedLabel !== null && (
        errorReport(proposal) ? (
          <p className="warning" data-testid="error-report">
            Error report: annotators verified <strong>{labels[proposal.verifiedLabel] ?? `label ${proposal.verifiedLabel}`}</strong>
            {proposal.analysedLabel !== null
              ? `, where the network answered ${labels[proposal.analysedLabel] ?? `label ${proposal.analysedLabel}`}`
              : ", where the network gave no label"}. Training rounds weigh this proposal twice.
          </p>
        ) : (
          <p data-testid="verified-label">Annotators verified the label <strong>{labels[proposal.verifiedLabel] ?? `label ${proposal.verifiedLabel}`}</strong>.</p>
        )
      )}
      {task?.status === "judged" && task.outcome !== "consensus" && (
        <p className="warning" data-testid="analysis">
          No label held the consensus threshold ({task.outcome === "noConsensus" ? "the committee disagreed" : "too few members answered"}
          {task.round > 0 ? `, round ${task.round + 1}` : ""}){proposal?.analysis === "unanswered"
            ? "; the network tried every round it allows and the analysis ended without a label. The deposit is released as for an analysed proposal."
            : "; the proposal is analysed again by a larger committee without this one's members."}
        </p>
      )}

      {task && (
        <>
          <h2>Model</h2>
          <p data-testid="model">
            {model ? <>{model.name} version {model.version}{model.active ? " (active)" : ""}, registered at block #{model.registeredAt}{model.activatedBy !== null ? `, activated by referendum #${model.activatedBy}` : ""} · </> : null}
            sha256 <span className="mono">{task.model}</span> · <a href={href("governance")}>model registry and referenda</a>
          </p>
          <h2>Committee</h2>
          <table className="list" data-testid="committee">
            <thead><tr><th>Node</th><th>Seats</th><th>Stake</th><th>Commit</th><th>Reveal</th><th>Answer</th><th>Outcome</th></tr></thead>
            <tbody>
              {seats.map((s) => (
                <tr key={s.node}>
                  <td className="mono"><a href={href("nodes", s.node)}>{shortAddress(s.node)}</a></td>
                  <td>{s.seats ?? "—"}</td>
                  <td>{s.stake ? formatBalance(s.stake, token, 0) : "—"}</td>
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

      <h2>Body</h2>
      {!body ? <p className="muted">Fetching the body by its CID…</p> : body.error ? <p className="error">{body.error}</p> : (
        <details open={(body.text?.length ?? 0) < 1200}>
          <summary>{body.text?.length ?? 0} characters, hash checked</summary>
          <pre className="body" data-testid="body">{body.text}</pre>
        </details>
      )}
    </section>
  );
}
