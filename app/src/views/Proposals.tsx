/**
 * Proposals: the newest first, each with its stage and, once analysed, the agreed label. A
 * proposal's page is its analysis card.
 */
import { useState } from "react";
import { useChain, useLive } from "../chain/ChainContext";
import { href } from "../route";
import { shortAddress } from "../format";
import { errorReport, proposal as readProposal, title } from "../chain/queries/proposals";
import { consensus, proposalTask, unreadable } from "../chain/queries/inference";
import { useReadableFloor } from "../chain/queries/constants";
import { directory, spaceName } from "../chain/queries/spaces";
import { stageOf } from "./proposalState";

const PAGE = 20;

export function Proposals() {
  const { api, labels } = useChain();
  const floor = useReadableFloor();
  const [pages, setPages] = useState(1);
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
    return { next, rows, names };
  }, [pages]);

  if (list.error && !list.data) return <p className="error">Could not read proposals: {list.error}</p>;
  if (!list.data) return <p className="muted">Reading proposals…</p>;
  const { rows, next, names } = list.data;
  return (
    <section>
      <h1>Proposals</h1>
      {rows.length === 0 ? (
        <p>No proposal yet. <a href={href("submit")}>Submit the first.</a></p>
      ) : (
        <table className="list" data-testid="proposal-list">
          <thead>
            <tr><th>#</th><th>Title</th><th>DAO</th><th>Author</th><th>Stage</th><th>Label</th></tr>
          </thead>
          <tbody>
            {rows.map(({ id, proposal, task, stage, agreed }) => (
              <tr key={id} data-testid={`proposal-row-${id}`}>
                <td>{id}</td>
                <td><a href={href("proposals", id)}>{proposal ? title(proposal) : "—"}</a></td>
                <td>{proposal?.space !== undefined ? <a href={href("daos", proposal.space)}>{names.get(proposal.space) ?? `#${proposal.space}`}</a> : ""}</td>
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
      {rows.length < next && <button onClick={() => setPages(pages + 1)}>Older proposals</button>}
    </section>
  );
}
