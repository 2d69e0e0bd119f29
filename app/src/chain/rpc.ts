/**
 * The node's custom JSON-RPC methods (`proposals_*`, `inference_*`, `rewards_*`, Bitswap),
 * called through the same client, with the shapes the Rust RPC crates serialise
 * (the `rpc` crate of each pallet). Balances are decimal strings; shares are parts per billion.
 */
import type { PolkadotClient } from "polkadot-api";

/** `proposals_get`. */
export interface ProposalJson {
  id: number;
  author: string;
  submittedAt: number;
  depositHeldUntil: number;
  title: string;
  bodyLen: number;
  contentHash: string;
  cid: string;
  deposit: string;
  recordDeposit: string;
  analysis: "pending" | "analysed" | "unanswered";
  analysedLabel: number | null;
  /** The committee's brief, once agreed (the same as `inference_task`'s). */
  brief: BriefJson | null;
  verifiedLabel: number | null;
  /** Revealed annotations per label. */
  tally: number[];
  /** Revealed bonds per label. */
  bonded: string[];
  /** Sealed annotations not revealed yet. */
  sealed: number;
  provisionalLabel: number | null;
  settlesAt: number | null;
}

/**
 * Whether the annotators' verified label corrects the network's analysis: another label than the
 * network's, or one where the network could not answer. The chain weighs such an error report
 * twice in training.
 */
export function errorReport(p: ProposalJson): boolean {
  if (p.verifiedLabel === null) return false;
  return p.analysis === "unanswered" || (p.analysedLabel !== null && p.analysedLabel !== p.verifiedLabel);
}

/** A committee seat of `inference_task`. */
export interface MemberJson {
  node: string;
  /** The stake the member was drawn with. */
  stake: string;
  /** The seats it won: its answer counts once for each. */
  seats: number;
}

/** The brief of a judged task, decoded against the body the node holds. */
export interface BriefJson {
  sentences: { index: number; start: number | null; end: number | null; text: string | null }[];
  figures: { kind: string; start: number; end: number; text: string | null }[];
  signature: [number, number][];
}

/** `inference_task` / `inference_proposalTask`. */
export interface TaskJson {
  id: number;
  proposal: number;
  status: string;
  model: string;
  openedAt: number | null;
  commitEnd: number | null;
  revealEnd: number | null;
  committee: MemberJson[];
  /** How many rounds of the proposal failed before this one (0: its first committee). */
  round: number;
  commits: number | null;
  reveals: number | null;
  excused: number | null;
  outcome: string | null;
  label: number | null;
  scores: number[] | null;
  /** Judged with consensus: the share of the body's letters in words the model knows, in basis points. */
  readable: number | null;
  /** The readable share below which the model cannot read a proposal, in basis points. */
  readableFloor: number;
  brief: BriefJson | null;
  contentHash: string | null;
  participation: number | null;
  finalizedAt: number | null;
}

/** Whether the committee agreed that the model cannot read the proposal (its language, most likely). */
export function unreadable(task: TaskJson | null | undefined): boolean {
  return task?.readable != null && task.readable < task.readableFloor;
}

/** One entry of a node's history. */
export interface HistoryJson {
  task: number | null;
  round: number | null;
  outcome: string;
  at: number;
}

/** `inference_node` / `inference_leaderboard`. */
export interface NodeJson {
  operator: string;
  keyAccount: string;
  stake: string;
  unbonding: string;
  reputation: number;
  status: string;
  registeredAt: number;
  tasks: number;
  agreed: number;
  disagreed: number;
  missed: number;
  excused: number;
  slashed: string;
  history: HistoryJson[];
}

/** `proposals_contributions`. */
export interface ContributionsJson {
  proposals: number;
  annotations: number;
  agreed: number;
  disagreed: number;
  /** Verified corrections of the network's label this account named first. */
  corrections: number;
  [more: string]: unknown;
}

/** `rewards_pending`. */
export interface PendingJson {
  currentEpoch: number;
  /** The block that ends the running epoch. */
  currentEpochEnd: number;
  claimable: string;
  epochs: {
    epoch: number;
    annotationPoints: number;
    inferencePoints: number;
    trainingPoints: number;
    amount: string | null;
  }[];
}

/** `proposals_similar`. */
export interface SimilarJson {
  proposal: number;
  similarity: number;
}

/** The custom methods, at block `at` (a hash) where they take one. */
export function rpc(client: PolkadotClient) {
  const call = <T>(method: string, ...params: unknown[]) => client._request<T>(method, params);
  return {
    proposal: (id: number, at?: string) => call<ProposalJson | null>("proposals_get", id, at),
    contributions: (who: string, at?: string) =>
      call<ContributionsJson>("proposals_contributions", who, at),
    similar: (id: number, limit?: number, at?: string) =>
      call<SimilarJson[]>("proposals_similar", id, limit, at),
    task: (id: number, at?: string) => call<TaskJson | null>("inference_task", id, at),
    proposalTask: (id: number, at?: string) =>
      call<TaskJson | null>("inference_proposalTask", id, at),
    node: (operator: string, at?: string) => call<NodeJson | null>("inference_node", operator, at),
    leaderboard: (limit?: number, at?: string) =>
      call<NodeJson[]>("inference_leaderboard", limit, at),
    pending: (who: string, at?: string) => call<PendingJson>("rewards_pending", who, at),
    /** A proposal body by its CID, as hex (`bitswap_v1_get`). */
    body: (cid: string) => call<string>("bitswap_v1_get", cid),
    runtimeVersion: () => call<{ specName: string; specVersion: number }>("state_getRuntimeVersion"),
    chainType: () => call<string | { [k: string]: unknown }>("system_chainType"),
    properties: () =>
      call<{ tokenDecimals?: number | number[]; tokenSymbol?: string | string[]; ss58Format?: number }>(
        "system_properties",
      ),
  };
}

/** The RPC methods as one object. */
export type Rpc = ReturnType<typeof rpc>;
