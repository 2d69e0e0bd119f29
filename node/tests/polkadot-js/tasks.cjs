// Where a proposal's analysis task shows up: not in the block the proposal lands in, but in the
// first later block by another author, which draws the committee from its VRF output. Shared by
// the polkadot.js tests (ESM) and the zombienet scripts (CommonJS), hence `.cjs`.

/** The id of the proposal that `events` (a block's, or a transaction's) submitted. */
function submittedProposal(api, events) {
  const submitted = events.find(({ event }) => api.events.proposals.ProposalSubmitted.is(event));
  if (!submitted) throw new Error('no ProposalSubmitted event');
  return submitted.event.data.id.toNumber();
}

/** Waits up to `blocks` blocks for proposal `proposal`'s task to open; resolves to its
 * `TaskOpened` event and the number of the block that drew it. */
async function taskOpened(api, proposal, blocks = 20) {
  for (let waited = 0; waited <= blocks; waited += 1) {
    const task = await api.query.inference.taskOfProposal(proposal);
    if (task.isSome) {
      const record = await api.query.inference.tasks(task.unwrap());
      const result = record.isSome ? null : await api.query.inference.results(task.unwrap());
      const openedAt = record.isSome
        ? record.unwrap().openedAt.toNumber()
        : null;
      const at = openedAt ?? await findOpening(api, task.unwrap(), result);
      const hash = await api.rpc.chain.getBlockHash(at);
      const events = await api.query.system.events.at(hash);
      const opened = events.find(({ event }) => api.events.inference.TaskOpened.is(event)
        && event.data.task.eq(task.unwrap()));
      if (!opened) throw new Error(`block #${at} has no TaskOpened for task ${task.unwrap()}`);
      return { event: opened.event, number: at };
    }
    await nextBlock(api);
  }
  throw new Error(`proposal ${proposal} got no task within ${blocks} blocks`);
}

/** The block that opened `task`, already judged: the newest block at or before its judgement
 * whose events hold its `TaskOpened`. */
async function findOpening(api, task, result) {
  const judged = result.unwrap().finalizedAt.toNumber();
  for (let at = judged; at > 0; at -= 1) {
    const events = await api.query.system.events.at(await api.rpc.chain.getBlockHash(at));
    if (events.some(({ event }) => api.events.inference.TaskOpened.is(event)
      && event.data.task.eq(task))) return at;
  }
  throw new Error(`no block opened task ${task}`);
}

/** Resolves at the next new best block. */
function nextBlock(api) {
  return new Promise((resolve, reject) => {
    let unsubscribe = null;
    let first = true;
    api.rpc.chain.subscribeNewHeads(() => {
      if (first) { first = false; return; }
      unsubscribe?.();
      resolve();
    }).then((u) => { unsubscribe = u; }, reject);
  });
}

module.exports = { submittedProposal, taskOpened };
