//! # DAOLLM chain specifications
//!
//! The specifications a user boots a node from:
//!
//! | id | who validates | sudo | what for |
//! |---|---|---|---|
//! | `dev` | Alice alone | Alice | one-node development chain |
//! | `local` | Alice, Bob, Charlie, Dave | none | four-validator network on one machine (zombienet) |
//! | `testnet-template` | the keys in `testnet-template.json` | none | starting point of a public testnet |
//!
//! Every spec carries the same properties (`tokenSymbol` PROPOSAL, `tokenDecimals` 12,
//! `ss58Format` 42), which `system_properties` returns and polkadot.js apps uses to show balances.
//!
//! `dev` and `local` take their genesis from the runtime's presets; the public template is the
//! JSON genesis patch [`TESTNET_TEMPLATE_PATCH`], which operators copy and edit (their validators'
//! keys, endowments) before exporting a raw spec.

use daollm_primitives::{currency, SS58_PREFIX};
use sc_chain_spec::{ChainType, Properties};

/// A DAOLLM chain specification.
pub type ChainSpec = sc_chain_spec::GenericChainSpec;

/// The public testnet template's genesis patch: three validators, no sudo key.
pub const TESTNET_TEMPLATE_PATCH: &str = include_str!("../testnet-template.json");

/// The properties every DAOLLM spec carries: how clients show the token and addresses.
pub fn properties() -> Properties {
	let mut properties = Properties::new();
	properties.insert("tokenSymbol".into(), currency::TOKEN_SYMBOL.into());
	properties.insert("tokenDecimals".into(), currency::TOKEN_DECIMALS.into());
	properties.insert("ss58Format".into(), SS58_PREFIX.into());
	properties
}

fn wasm_binary() -> Result<&'static [u8], String> {
	daollm_runtime::WASM_BINARY.ok_or_else(|| {
		"the runtime's Wasm binary is not available: this build skipped it (SKIP_WASM_BUILD)"
			.to_string()
	})
}

/// The one-validator development chain (`--dev`, `--chain dev`).
pub fn development() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm_binary()?, None)
		.with_name("DAOLLM Development")
		.with_id("daollm_dev")
		.with_chain_type(ChainType::Development)
		.with_genesis_config_preset_name(sp_genesis_builder::DEV_RUNTIME_PRESET)
		.with_properties(properties())
		.build())
}

/// The four-validator local network (`--chain local`).
pub fn local_testnet() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm_binary()?, None)
		.with_name("DAOLLM Local Testnet")
		.with_id("daollm_local")
		.with_chain_type(ChainType::Local)
		.with_genesis_config_preset_name(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET)
		.with_properties(properties())
		.build())
}

/// The public testnet template (`--chain testnet-template`): edit `testnet-template.json` or
/// the exported spec before launching a real network. Values an operator must supply are
/// `<…>` placeholders (the validators' accounts and session keys, the endowed accounts, the
/// technical committee's members), and a template that still has one is refused with their
/// paths. No well-known development key is in it.
pub fn testnet_template() -> Result<ChainSpec, String> {
	let patch: serde_json::Value = serde_json::from_str(TESTNET_TEMPLATE_PATCH)
		.map_err(|e| format!("testnet-template.json is not valid JSON: {e}"))?;
	testnet_spec(patch)
}

/// A public testnet spec from a genesis patch in the template's shape.
pub fn testnet_spec(patch: serde_json::Value) -> Result<ChainSpec, String> {
	let mut missing = Vec::new();
	placeholders(&patch, String::new(), &mut missing);
	if !missing.is_empty() {
		return Err(format!(
			"the testnet template has placeholders to fill in before launch: {}",
			missing.join(", ")
		));
	}
	Ok(ChainSpec::builder(wasm_binary()?, None)
		.with_name("DAOLLM Testnet")
		.with_id("daollm_testnet")
		.with_protocol_id("daollm")
		.with_chain_type(ChainType::Live)
		.with_genesis_config_patch(patch)
		.with_properties(properties())
		.build())
}

/// The paths of the `<…>` strings in `value`.
fn placeholders(value: &serde_json::Value, path: String, found: &mut Vec<String>) {
	match value {
		serde_json::Value::String(s) if s.starts_with('<') && s.ends_with('>') => found.push(path),
		serde_json::Value::Array(items) => {
			for (i, item) in items.iter().enumerate() {
				placeholders(item, format!("{path}[{i}]"), found);
			}
		},
		serde_json::Value::Object(fields) => {
			for (key, item) in fields {
				let path = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
				placeholders(item, path, found);
			}
		},
		_ => {},
	}
}

/// A chain specification read from a JSON file (plain or raw).
pub fn from_json_file(path: std::path::PathBuf) -> Result<ChainSpec, String> {
	ChainSpec::from_json_file(path.clone())
		.map_err(|e| format!("{} is not a valid chain specification: {e}", path.display()))
}

#[cfg(test)]
mod tests {
	use super::*;
	use sp_io::hashing::twox_128;
	use sp_runtime::BuildStorage;

	fn storage_key(pallet: &str, item: &str) -> Vec<u8> {
		[twox_128(pallet.as_bytes()), twox_128(item.as_bytes())].concat()
	}

	/// The template with its placeholders filled in: three validators with keys from seeds that
	/// are not the well-known development ones, and Alice, Bob and Charlie as the committee.
	fn filled_template() -> Result<ChainSpec, String> {
		use sp_core::{crypto::Ss58Codec, ed25519, sr25519, Pair};
		let sr =
			|seed: &str| sr25519::Pair::from_string(seed, None).unwrap().public().to_ss58check();
		let ed =
			|seed: &str| ed25519::Pair::from_string(seed, None).unwrap().public().to_ss58check();
		let mut template = TESTNET_TEMPLATE_PATCH.to_string();
		for (i, member) in [
			"5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY",
			"5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty",
			"5FLSigC9HGRKVhB9FiEo4Y3koPsNmBmLJbpXg2mp1hXcS59Y",
		]
		.into_iter()
		.enumerate()
		{
			let n = i + 1;
			let seed = format!("//testnet-validator-{n}");
			for (placeholder, value) in [
				(format!("<technical committee member {n}: SS58 address>"), member.to_string()),
				(format!("<endowed account {n}: SS58 address>"), sr(&seed)),
				(format!("<validator {n}: SS58 account>"), sr(&seed)),
				(format!("<validator {n}: BABE key, sr25519 SS58>"), sr(&format!("{seed}//babe"))),
				(
					format!("<validator {n}: GRANDPA key, ed25519 SS58>"),
					ed(&format!("{seed}//gran")),
				),
				(format!("<validator {n}: infr key, sr25519 SS58>"), sr(&format!("{seed}//infr"))),
			] {
				template = template.replace(&placeholder, &value);
			}
		}
		testnet_spec(serde_json::from_str(&template).unwrap())
	}

	#[test]
	fn every_spec_builds_its_genesis_and_carries_the_token_properties() {
		for spec in [development(), local_testnet(), filled_template()] {
			let spec = spec.expect("spec builds");
			let storage = spec.build_storage().expect("genesis builds");
			assert!(storage.top.contains_key(&storage_key("Babe", "Authorities")));
			assert!(storage.top.contains_key(&storage_key("Session", "Validators")));
			let properties = spec.properties();
			assert_eq!(properties["tokenSymbol"], "PROPOSAL");
			assert_eq!(properties["tokenDecimals"], 12);
			assert_eq!(properties["ss58Format"], 42);
		}
	}

	#[test]
	fn only_dev_has_a_sudo_key() {
		let sudo_key = storage_key("Sudo", "Key");
		for (spec, has_sudo) in
			[(development(), true), (local_testnet(), false), (filled_template(), false)]
		{
			let storage = spec.expect("spec builds").build_storage().expect("genesis builds");
			assert_eq!(storage.top.contains_key(&sudo_key), has_sudo);
		}
	}

	#[test]
	fn a_malformed_spec_file_is_a_clear_error() {
		let dir = std::env::temp_dir().join(format!("daollm-spec-test-{}", std::process::id()));
		std::fs::create_dir_all(&dir).unwrap();
		let path = dir.join("broken.json");
		std::fs::write(&path, b"{ this is not json").unwrap();
		let err = from_json_file(path.clone()).err().expect("malformed spec is rejected");
		assert!(err.contains("is not a valid chain specification"), "{err}");
		std::fs::remove_dir_all(&dir).unwrap();
	}

	#[test]
	fn an_exported_spec_loads_back() {
		let dir = std::env::temp_dir().join(format!("daollm-spec-rt-{}", std::process::id()));
		std::fs::create_dir_all(&dir).unwrap();
		let path = dir.join("local.json");
		std::fs::write(&path, local_testnet().unwrap().as_json(false).unwrap()).unwrap();
		let spec = from_json_file(path).expect("exported spec loads");
		assert_eq!(spec.id(), "daollm_local");
		std::fs::remove_dir_all(&dir).unwrap();
	}
}
