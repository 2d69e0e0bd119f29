/** Where a proposal stands, from its record and its analysis task. */
import type { ProposalJson, TaskJson } from "../chain/rpc";

/** The stages a member sees. */
export type Stage =
  | "pending"
  | "committee drawn"
  | "commits"
  | "reveals"
  | "analysed"
  | "escalated"
  | "unanswered"
  | "withdrawn or spam";

/** `proposal`'s stage at block `now`. */
export function stageOf(proposal: ProposalJson | null, task: TaskJson | null, now: number): Stage {
  if (!proposal) return "withdrawn or spam";
  if (proposal.analysis === "unanswered") return "unanswered";
  if (!task) return proposal.analysis === "analysed" ? "analysed" : "pending";
  if (task.status === "judged") {
    if (task.outcome === "consensus") return "analysed";
    // No consensus in this round: the proposal waits for a larger committee without its
    // members.
    return "escalated";
  }
  if ((task.commits ?? 0) === 0 && (task.excused ?? 0) === 0) return "committee drawn";
  if (task.commitEnd !== null && now <= task.commitEnd) return "commits";
  return "reveals";
}
