/**
 * Proposals: the newest first, each with its DAO, when it was submitted, its stage and, once
 * analysed, the agreed label; searched by title words and filtered by DAO, label and stage among
 * those loaded. A proposal's page is its analysis card.
 */
import { useEffect, useState } from "react";
import { useChain, useLive } from "../chain/ChainContext";
import { href } from "../route";
import { formatBlocks, shortAddress } from "../format";
import { cid, errorReport, proposal as readProposal, title } from "../chain/queries/proposals";
import { consensus, proposalTask, unreadable } from "../chain/queries/inference";
import { useReadableFloor } from "../chain/queries/constants";
import { directory, spaceName } from "../chain/queries/spaces";
import { stageOf, type Stage } from "./proposalState";
import { fromHex } from "../chain/hex";

const PAGE = 20;

export function Proposals() {
  const { api, labels } = useChain();
  const floor = useReadableFloor();
  const [pages, setPages] = useState(1);
  const [search, setSearch] = useState("");
  const [dao, setDao] = useState("");
  const [label, setLabel] = useState("");
  const [stage, setStage] = useState("");
  const [oldestFirst, setOldestFirst] = useState(false);
  const list = useLive(async (at) => {
    const next = await api.query.Proposals.NextProposalId.getValue({ at });
    const header = await api.query.System.Number.getValue({ at });
    const ids = Array.from({ length: Math.min(next, PAGE * pages) }, (_, i) => next - 1 - i);
    const rows = await Promise.all(
      ids.map(async (id) => {
        const [proposal, task] = await Promise.all([readProposal(api, id, at), proposalTask(api, id, at)]);
        return { id, proposal, task, agreed: consensus(task), stage: stageOf(proposal, task, header) };
      }),
    );
    const names = new Map((await directory(api, at)).map((s) => [s.id, spaceName(s)]));
    return { next, rows, names, header };
  }, [pages]);

  // Bodies are fetched by CID only once the member searches, and kept.
  const bodies = useBodies(search.trim() !== "" ? cidsOf(list.data?.rows) : []);
  if (list.error && !list.data) return <p className="error">Could not read proposals: {list.error}</p>;
  if (!list.data) return <p className="muted">Reading proposals…</p>;
  const { rows: all, next, names, header } = list.data;
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  const rows = all
    .filter(({ proposal }) => {
      const text = proposal ? `${title(proposal)}\n${bodies.get(cid(proposal)) ?? ""}`.toLowerCase() : "";
      return words.every((w) => text.includes(w));
    })
    .filter(({ proposal }) => dao === "" || (dao === "none" ? proposal?.space === undefined : proposal?.space === Number(dao)))
    .filter(({ agreed, task }) => label === "" || (!unreadable(task, floor) && agreed?.label === Number(label)))
    .filter(({ stage: s }) => stage === "" || s === stage);
  if (oldestFirst) rows.reverse();
  const stages = Array.from(new Set(all.map((r) => r.stage))) as Stage[];
  const filtering = words.length > 0 || dao !== "" || label !== "" || stage !== "";
  return (
    <section>
      <h1>Proposals</h1>
      {all.length > 0 && (
        <div className="form inline filters" data-testid="filters">
          <label>Search <input type="search" name="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="words in the title or body" /></label>
          <label>DAO <select name="dao" value={dao} onChange={(e) => setDao(e.target.value)}>
            <option value="">all</option>
            <option value="none">none</option>
            {[...names].map(([id, name]) => <option key={id} value={id}>{name}</option>)}
          </select></label>
          <label>Label <select name="label" value={label} onChange={(e) => setLabel(e.target.value)}>
            <option value="">all</option>
            {labels.map((l, i) => <option key={l} value={i}>{l}</option>)}
          </select></label>
          <label>Stage <select name="stage" value={stage} onChange={(e) => setStage(e.target.value)}>
            <option value="">all</option>
            {stages.map((s) => <option key={s} value={s}>{s}</option>)}
          </select></label>
          <label>Order <select name="order" value={oldestFirst ? "oldest" : "newest"} onChange={(e) => setOldestFirst(e.target.value === "oldest")}>
            <option value="newest">newest first</option>
            <option value="oldest">oldest first</option>
          </select></label>
        </div>
      )}
      {filtering && <p className="muted" data-testid="filtered">{rows.length} of the {all.length} newest proposals match{all.length < next ? "; load older ones to search further" : ""}.</p>}
      {all.length === 0 ? (
        <p>No proposal yet. <a href={href("submit")}>Submit the first.</a></p>
      ) : (
        <table className="list" data-testid="proposal-list">
          <thead>
            <tr><th>#</th><th>Title</th><th>DAO</th><th>Submitted</th><th>Author</th><th>Stage</th><th>Label</th></tr>
          </thead>
          <tbody>
            {rows.map(({ id, proposal, task, stage, agreed }) => (
              <tr key={id} data-testid={`proposal-row-${id}`}>
                <td>{id}</td>
                <td><a href={href("proposals", id)}>{proposal ? title(proposal) : "—"}</a></td>
                <td>{proposal?.space !== undefined ? <a href={href("daos", proposal.space)}>{names.get(proposal.space) ?? `#${proposal.space}`}</a> : ""}</td>
                <td title={proposal ? `block #${proposal.submitted_at}` : undefined}>{proposal ? `${formatBlocks(header - proposal.submitted_at)} ago` : "—"}</td>
                <td className="mono">{proposal ? shortAddress(proposal.author) : "—"}</td>
                <td>
                  <span className={`stage stage-${stage.replace(/ /g, "-")}`} data-testid="stage">{stage}</span>
                  {proposal && errorReport(proposal) && <> <span className="tag warning" data-testid="error-report">error report</span></>}
                </td>
                <td>{unreadable(task, floor) ? <span className="muted" data-testid="unreadable">cannot read its language</span>
                  : agreed ? labels[agreed.label] ?? agreed.label : ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {all.length < next && <button onClick={() => setPages(pages + 1)}>Older proposals</button>}
    </section>
  );
}

/** The CIDs of the loaded proposals' bodies. */
function cidsOf(rows: { proposal: Parameters<typeof cid>[0] | null }[] | undefined): string[] {
  return (rows ?? []).flatMap(({ proposal }) => (proposal ? [cid(proposal)] : []));
}

const utf8 = new TextDecoder();

/** The bodies of `cids` as text, fetched from the node by CID as they are asked for, and kept. */
function useBodies(cids: string[]): Map<string, string> {
  const { rpc } = useChain();
  const [bodies, setBodies] = useState<Map<string, string>>(() => new Map());
  const wanted = cids.filter((c) => !bodies.has(c)).join(",");
  useEffect(() => {
    if (!wanted) return;
    let live = true;
    Promise.all(wanted.split(",").map(async (c) => {
      const hex = await rpc.body(c).catch(() => null);
      return [c, hex ? utf8.decode(fromHex(hex)) : ""] as const;
    })).then((found) => {
      if (live) setBodies((old) => new Map([...old, ...found]));
    });
    return () => {
      live = false;
    };
  }, [wanted, rpc]);
  return bodies;
}
