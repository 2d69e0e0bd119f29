//! Which chain the node runs: `--chain dev|local|testnet-template|<path to a spec file>`.

use sc_service::ChainSpec;
use std::path::PathBuf;

/// The chain specification named by `--chain`.
///
/// A known name selects a built-in spec; anything else must be the path of a chain-spec JSON
/// file. An unknown name that is no file, and a file that is no valid spec, are errors that say
/// which and why.
pub fn load_spec(id: &str) -> Result<Box<dyn ChainSpec>, String> {
	Ok(match id {
		"" | "dev" => Box::new(daollm_chain_spec::development()?),
		"local" => Box::new(daollm_chain_spec::local_testnet()?),
		"testnet-template" => Box::new(daollm_chain_spec::testnet_template()?),
		path => {
			let path = PathBuf::from(path);
			if !path.is_file() {
				return Err(format!(
					"unknown chain `{id}`: expected `dev`, `local`, `testnet-template` or the path \
					 of a chain-spec JSON file"
				));
			}
			Box::new(daollm_chain_spec::from_json_file(path)?)
		},
	})
}
