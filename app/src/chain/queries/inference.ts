/**
 * The inference pallet's reads, typed by the runtime's metadata: a task, open (its committee,
 * windows and progress) or judged (the committee that judged it and what it agreed on), and the
 * earlier proposals most similar to one (the pallet's view functions).
 */
import type { Api } from "../connection";

/** A task as the chain reports it (`Inference.task`, `Inference.proposal_task`). */
export type Task = NonNullable<Awaited<ReturnType<Api["view"]["Inference"]["task"]>>>;
/** An open task's state. */
export type OpenTask = Extract<Task["status"], { type: "Open" }>["value"];
/** A judged task's result. */
export type TaskResult = Extract<Task["status"], { type: "Judged" }>["value"];
/** What a committee agreed on. */
export type Outcome = TaskResult["outcome"];
/** A committee seat: the node, its stake when drawn, the seats it won. */
export type Seat = OpenTask["committee"][number];
/** An agreed brief: key sentences and figures as byte ranges of the body, and the signature. */
export type Brief = Extract<Outcome, { type: "Consensus" }>["value"]["brief"];

/** The task of proposal `id` at block `at`; `null` while it waits for a committee. */
export async function proposalTask(api: Api, id: number, at: string): Promise<Task | null> {
  return (await api.view.Inference.proposal_task(id, { at })) ?? null;
}

/** Up to `limit` earlier proposals most similar to `id`: `[proposal, parts per million]`. */
export async function similar(api: Api, id: number, limit: number, at: string): Promise<[number, number][]> {
  return (await api.view.Inference.similar(id, limit, { at })).map(([proposal, ppm]) => [proposal, ppm]);
}

/** The task's state while open, else `null`. */
export const open = (task: Task | null | undefined): OpenTask | null =>
  task?.status.type === "Open" ? task.status.value : null;

/** The task's result once judged, else `null`. */
export const judged = (task: Task | null | undefined): TaskResult | null =>
  task?.status.type === "Judged" ? task.status.value : null;

/** What the committee agreed on, if it reached consensus. */
export function consensus(task: Task | null | undefined) {
  const outcome = judged(task)?.outcome;
  return outcome?.type === "Consensus" ? outcome.value : null;
}

/**
 * Whether the committee agreed that the model cannot read the proposal (its language, most
 * likely): its readable share is below `floor` (the runtime's `Inference.ReadableFloor`).
 */
export function unreadable(task: Task | null | undefined, floor: number | null): boolean {
  const agreed = consensus(task);
  return agreed !== null && floor !== null && agreed.readable < floor;
}

/** The committee of a task, open or judged. */
export function committee(task: Task): Seat[] {
  return task.status.value.committee;
}
