/**
 * A referendum's call in words and units, for a member who does not read SCALE: "Activate
 * proposal-classifier version 2", "Set Inference parameters: committee size 25 → 31". Parameter
 * changes are compared with the values in force; balances are shown in the token, shares as
 * percentages, windows in blocks and time.
 */
import type { Api } from "./connection";
import { formatBalance, formatBlocks, formatPerbill, type Token } from "../format";

/** A decoded call as polkadot-api gives it: `{ type: pallet, value: { type: call, value: args } }`. */
export interface DecodedCall {
  type: string;
  value: { type: string; value: unknown };
}

const words = (name: string) => name.replace(/_/g, " ");

/** The parameters that count blocks, by field name (every pallet's `Parameters`). */
const BLOCKS = new Set(["unbonding_period", "offence_window", "rejoin_cooldown", "commit_window", "reveal_window", "activation_delay", "challenge_period"]);
/** The parameters that count reward epochs. */
const EPOCHS = new Set(["claim_period"]);
/** Whether a field is a share in parts per billion (`Perbill`). */
const isShare = (path: string) => /(reputation|slash|threshold|participation|penalty|extension|agreement)$|^split\./.test(path);

/** One value in words: a balance in the token, a share in percent, blocks as time. */
export function valueInWords(path: string, value: unknown, token: Token): string {
  if (typeof value === "bigint") return formatBalance(value, token);
  if (typeof value === "number") {
    const field = path.split(".").pop() ?? path;
    if (isShare(path)) return formatPerbill(value, 2);
    if (BLOCKS.has(field)) return `${value} blocks (${formatBlocks(value)})`;
    if (EPOCHS.has(field)) return `${value} epochs`;
    return String(value);
  }
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (value === undefined || value === null) return "none";
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  if (typeof value === "object" && "type" in (value as object)) {
    const v = value as { type: string; value?: unknown };
    return v.value === undefined ? words(v.type) : `${words(v.type)} ${valueInWords(path, v.value, token)}`;
  }
  return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
}

/** The leaves of a parameters struct: `[["split.annotation", value], …]`. */
function leaves(value: unknown, prefix = ""): [string, unknown][] {
  if (value !== null && typeof value === "object" && !(value instanceof Uint8Array) && !("type" in (value as object))) {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
  }
  return [[prefix, value]];
}

/** The changes from `before` to `after`, in words: `committee size 25 → 31`. */
export function changesInWords(before: unknown, after: unknown, token: Token): string[] {
  const old = new Map(leaves(before));
  return leaves(after)
    .filter(([path, value]) => valueInWords(path, old.get(path), token) !== valueInWords(path, value, token))
    .map(([path, value]) => `${words(path.replace(/\./g, " "))} ${old.has(path) ? `${valueInWords(path, old.get(path), token)} → ` : ""}${valueInWords(path, value, token)}`);
}

/** `call` in words, reading what it needs (a model's name, the parameters in force) at block `at`. */
export async function callInWords(api: Api, call: DecodedCall, token: Token, at: string): Promise<string> {
  const pallet = call.type;
  const name = call.value.type;
  const args = (call.value.value ?? {}) as Record<string, unknown>;
  if (name === "set_parameters") {
    // Every pallet with governable parameters keeps them in `Params`.
    const storage = (api.query as unknown as Record<string, { Params?: { getValue: (o: { at: string }) => Promise<unknown> } }>)[pallet];
    const current = storage?.Params ? await storage.Params.getValue({ at }).catch(() => undefined) : undefined;
    const changes = changesInWords(current, args.parameters, token);
    return changes.length === 0 ? `Set ${pallet} parameters (no change from those in force)` : `Set ${pallet} parameters: ${changes.join("; ")}`;
  }
  if (pallet === "ModelRegistry" && name === "activate_model") {
    const model = args.model as number;
    const record = await api.query.ModelRegistry.Models.getValue(model, { at }).catch(() => undefined);
    const modelName = record ? new TextDecoder().decode(record.name) : `model ${model}`;
    return `Activate ${modelName} version ${args.version as number}`;
  }
  if (pallet === "Proposals" && name === "mark_spam") {
    return `Mark proposal #${args.id as number} as spam: remove it and slash its deposit`;
  }
  if (pallet === "Training" && name === "open_round") {
    const dataset = args.dataset as { type: string; value: { from: number; to: number; space?: number } };
    const scope = dataset.type === "SpaceRange" ? ` of DAO #${dataset.value.space}` : "";
    return `Open a training round on model ${args.model as number} version ${args.base_version as number}, over the verified proposals #${dataset.value.from}–#${dataset.value.to - 1}${scope}, until block #${args.deadline as number}, for ${args.reward as number} reward points`;
  }
  if (pallet === "System" && (name === "set_code" || name === "set_code_without_checks")) {
    return "Upgrade the runtime (new code)";
  }
  if (pallet === "Whitelist" && name.startsWith("dispatch_whitelisted_call_with_preimage") && args.call) {
    return `Whitelisted by the technical committee: ${await callInWords(api, args.call as DecodedCall, token, at)}`;
  }
  const described = Object.entries(args).map(([k, v]) => `${words(k)} ${valueInWords(k, v, token)}`);
  return `${pallet}: ${words(name)}${described.length ? ` (${described.join(", ")})` : ""}`;
}
