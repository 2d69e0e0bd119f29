// Calls the runtime's view functions (`#[pallet::view_functions]`) from @polkadot/api, typed by
// the metadata (v16) the client already holds: what polkadot.js apps users reach through
// Developer → Runtime calls → runtimeViewFunction → executeViewFunction.
'use strict';

/** The metadata entry of view function `pallet.name` (`Inference`, `proposal_task`). */
function viewFunction(api, pallet, name) {
  const entry = api.runtimeMetadata.asLatest.pallets.find((p) => p.name.toString() === pallet);
  const fn = entry?.viewFunctions.find((f) => f.name.toString() === name);
  if (!fn) throw new Error(`the runtime has no view function ${pallet}.${name}`);
  return fn;
}

/**
 * Runs view function `pallet.name` with `args` at block `at` (a hash; the best block when
 * omitted) and returns its output as plain JavaScript: structs with camelCase fields, enums as
 * `{ variant: value }` (a unit variant as `{ variant: null }`), `None` as `null`, numbers beyond
 * 2^53 as decimal strings.
 */
async function view(api, pallet, name, args = [], at) {
  const fn = viewFunction(api, pallet, name);
  if (args.length !== fn.inputs.length) {
    throw new Error(`${pallet}.${name} takes ${fn.inputs.length} arguments, not ${args.length}`);
  }
  const input = Buffer.concat(fn.inputs.map((param, i) =>
    api.registry.createType(api.registry.createLookupType(param.type), args[i]).toU8a()));
  const id = fn.id.toU8a();
  const call = at ? await api.at(at) : api;
  const result = await call.call.runtimeViewFunction.executeViewFunction(
    { prefix: id.subarray(0, 16), suffix: id.subarray(16) }, `0x${input.toString('hex')}`);
  if (result.isErr) throw new Error(`${pallet}.${name} failed: ${result.asErr.toString()}`);
  const output = api.registry.createType(api.registry.createLookupType(fn.output), result.asOk.toU8a(true));
  return output.toPrimitive();
}

module.exports = { view };
