/**
 * DAOs: the directory of spaces with each DAO's record (the share of its verified labels the
 * network's analysis matched) and annotation progress, a form to register one, and a page per
 * DAO with its proposals, newest first.
 */
import { useState } from "react";
import { Binary } from "polkadot-api";
import { useChain, useConstants, useLive } from "../chain/ChainContext";
import { useTx } from "../chain/useTx";
import { TxProgress } from "../components/TxProgress";
import { directory, space as readSpace, spaceDescription, spaceLink, spaceName, spaceProposals, type Space } from "../chain/queries/spaces";
import { proposal as readProposal, title } from "../chain/queries/proposals";
import { consensus, proposalTask, unreadable } from "../chain/queries/inference";
import { useReadableFloor } from "../chain/queries/constants";
import { safeHref } from "../components/Markdown";
import { formatBalance, formatPerbill, shortAddress } from "../format";
import { href } from "../route";
import { stageOf } from "./proposalState";

const PAGE = 20;
const encoder = new TextEncoder();

/** The network's record for a DAO, in words. */
function record(s: Space): string {
  return s.record === undefined ? "no verified label yet" : `${formatPerbill(s.record, 0)} of ${s.stats.compared} verified labels`;
}

/** A link shown as a link only when it is a web address. */
export function ExternalLink({ url }: { url: string }) {
  const target = safeHref(url);
  if (!url) return null;
  return target ? <a href={target} target="_blank" rel="noopener noreferrer nofollow" data-testid="external-link">{url}</a> : <span className="mono">{url}</span>;
}

export function Spaces() {
  const { api } = useChain();
  const list = useLive((at) => directory(api, at), []);
  return (
    <section>
      <h1>DAOs</h1>
      <p className="muted">Each DAO has a space: its proposals, how many the network analysed and annotators verified, and the network's record — the share of verified labels its analysis had matched.</p>
      {list.error && !list.data && <p className="error">Could not read the DAOs: {list.error}</p>}
      {!list.data ? <p className="muted">Reading the DAOs…</p> : list.data.length === 0 ? (
        <p>No DAO has a space yet. Register the first below.</p>
      ) : (
        <table className="list" data-testid="space-list">
          <thead>
            <tr><th>DAO</th><th>Proposals</th><th>Analysed</th><th>Annotated</th><th>Verified</th><th>Network's record</th></tr>
          </thead>
          <tbody>
            {list.data.map((s) => (
              <tr key={s.id} data-testid={`space-row-${s.id}`}>
                <td><a href={href("daos", s.id)}>{spaceName(s)}</a></td>
                <td>{s.stats.listed}</td>
                <td>{s.stats.analysed}</td>
                <td>{s.stats.annotated}</td>
                <td>{s.stats.verified}</td>
                <td data-testid="record">{record(s)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <RegisterSpace />
    </section>
  );
}

/** The form that registers a space, with the deposit shown before signing. */
function RegisterSpace() {
  const { api, token, account } = useChain();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [link, setLink] = useState("");
  const [tx, send, reset] = useTx();
  const [registered, setRegistered] = useState<number | null>(null);
  const bounds = useConstants(async (api) => {
    const [maxName, maxDescription, maxLink] = await Promise.all([
      api.constants.Spaces.MaxNameLen(), api.constants.Spaces.MaxDescriptionLen(), api.constants.Spaces.MaxLinkLen(),
    ]);
    return { maxName, maxDescription, maxLink };
  });
  const params = useLive((at) => api.query.Spaces.Params.getValue({ at }), []);
  const bytes = { name: encoder.encode(name.trim()).length, description: encoder.encode(description.trim()).length, link: encoder.encode(link.trim()).length };
  const problem =
    bytes.name === 0 ? "Give the DAO's name." :
    bounds && bytes.name > bounds.maxName ? `The name is ${bytes.name} bytes; at most ${bounds.maxName}.` :
    bounds && bytes.description > bounds.maxDescription ? `The description is ${bytes.description} bytes; at most ${bounds.maxDescription}.` :
    bounds && bytes.link > bounds.maxLink ? `The link is ${bytes.link} bytes; at most ${bounds.maxLink}.` : null;
  const deposit = params.data ? params.data.deposit_base + params.data.deposit_per_byte * BigInt(bytes.name + bytes.description + bytes.link) : null;
  const busy = tx.stage !== "idle" && tx.stage !== "failed" && tx.stage !== "finalized";

  const onSubmit = async (e: React.FormEvent) => {
    e.preventDefault();
    if (problem) return;
    const result = await send(api.tx.Spaces.register_space({
      name: Binary.fromText(name.trim()), description: Binary.fromText(description.trim()), link: Binary.fromText(link.trim()),
    }));
    if (result.stage === "finalized") {
      const event = result.events.find((ev) => ev.type === "Spaces" && ev.value.type === "SpaceRegistered");
      const id = (event?.value.value as { space?: number } | undefined)?.space;
      if (id !== undefined) {
        setRegistered(id);
        setName("");
        setDescription("");
        setLink("");
      }
    }
  };

  return (
    <>
      <h2>Register a DAO</h2>
      <form onSubmit={onSubmit} className="form" data-testid="register-space">
        <label>Name <input name="name" value={name} onChange={(e) => { setName(e.target.value); reset(); }} /></label>
        <label>Description <textarea name="description" rows={3} value={description} onChange={(e) => { setDescription(e.target.value); reset(); }} /></label>
        <label>Link (website, Snapshot space, forum or repository) <input name="link" value={link} onChange={(e) => { setLink(e.target.value); reset(); }} /></label>
        {deposit !== null && (
          <p data-testid="space-deposit">
            Deposit held while the space exists: <strong>{formatBalance(deposit, token)}</strong>, returned whole when you close it. You become its admin: you can update it and hand it over.
          </p>
        )}
        {problem && (name || description || link) && <p className="hint">{problem}</p>}
        <button type="submit" disabled={!!problem || !account || busy}>Register{account ? ` as ${account.name}` : ""}</button>
      </form>
      <TxProgress state={tx} />
      {registered !== null && <p data-testid="registered">Space #{registered} is registered. <a href={href("daos", registered)}>Its page →</a></p>}
    </>
  );
}

/** A DAO's page: what it is, its record and annotation progress, and its proposals. */
export function SpaceDetail({ id }: { id: number }) {
  const { api, labels, token } = useChain();
  const floor = useReadableFloor();
  const [pages, setPages] = useState(1);
  const page = useLive(async (at) => {
    const [s, now] = await Promise.all([readSpace(api, id, at), api.query.System.Number.getValue({ at })]);
    if (!s) return { space: null, rows: [] };
    const ids = await spaceProposals(api, id, undefined, PAGE * pages, at);
    const rows = await Promise.all(ids.map(async (pid) => {
      const [proposal, task] = await Promise.all([readProposal(api, pid, at), proposalTask(api, pid, at)]);
      return { id: pid, proposal, task, agreed: consensus(task), stage: stageOf(proposal, task, now) };
    }));
    return { space: s, rows };
  }, [id, pages]);

  if (page.error && !page.data) return <p className="error">Could not read DAO {id}: {page.error}</p>;
  if (!page.data) return <p className="muted">Reading DAO {id}…</p>;
  const { space: s, rows } = page.data;
  if (!s) return <section><p><a href={href("daos")}>← DAOs</a></p><p data-testid="no-space">There is no DAO space #{id}.</p></section>;
  const share = (n: number) => (s.stats.filed > 0 ? ` (${Math.round((100 * n) / s.stats.filed)}%)` : "");
  return (
    <section data-testid="space-page">
      <p><a href={href("daos")}>← DAOs</a></p>
      <h1>{spaceName(s)}</h1>
      {spaceDescription(s) && <p>{spaceDescription(s)}</p>}
      <dl className="facts">
        <dt>Link</dt><dd><ExternalLink url={spaceLink(s)} /></dd>
        <dt>Admin</dt><dd className="mono">{s.admin}</dd>
        <dt>Deposit</dt><dd>{formatBalance(s.deposit, token)}</dd>
        <dt>Network's record</dt><dd data-testid="space-record">{s.record === undefined ? "No verified label has met an analysis yet." : `The network's analysis matched ${s.stats.matched} of ${s.stats.compared} verified labels (${formatPerbill(s.record, 0)}).`}</dd>
        <dt>Annotation progress</dt>
        <dd data-testid="space-progress">
          {s.stats.filed} filed · {s.stats.analysed} analysed{share(s.stats.analysed)} · {s.stats.annotated} annotated{share(s.stats.annotated)} · {s.stats.verified} verified{share(s.stats.verified)}
        </dd>
      </dl>
      <h2>Proposals</h2>
      {rows.length === 0 ? <p>No proposal is filed under this DAO. Import them with <code>scripts/import/import.mjs --space {id}</code>, or <a href={href("submit")}>submit one</a>.</p> : (
        <table className="list" data-testid="space-proposals">
          <thead><tr><th>#</th><th>Title</th><th>Filed by</th><th>Stage</th><th>Label</th></tr></thead>
          <tbody>
            {rows.map(({ id: pid, proposal, task, stage, agreed }) => (
              <tr key={pid}>
                <td>{pid}</td>
                <td><a href={href("proposals", pid)}>{proposal ? title(proposal) : "—"}</a></td>
                <td className="mono">{proposal ? (proposal.author === s.admin ? "the DAO's admin" : shortAddress(proposal.author)) : "—"}</td>
                <td><span className={`stage stage-${stage.replace(/ /g, "-")}`}>{stage}</span></td>
                <td>{unreadable(task, floor) ? <span className="muted">cannot read its language</span> : agreed ? labels[agreed.label] ?? agreed.label : ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {rows.length === PAGE * pages && <button onClick={() => setPages(pages + 1)}>Older proposals</button>}
    </section>
  );
}
