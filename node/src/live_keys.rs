//! A live network never runs on the well-known development keys.
//!
//! Anyone can sign with `//Alice` and the other development seeds, so a `Live` chain whose
//! block producers or finality voters hold them can be taken over by anyone. The node reads the
//! authorities from the chain's state (so raw and plain specs alike are checked) and refuses to
//! start.

use sc_client_api::HeaderBackend;
use sc_service::{error::Error as ServiceError, ChainType, Configuration};
use sp_api::ProvideRuntimeApi;
use sp_consensus_babe::BabeApi;
use sp_consensus_grandpa::GrandpaApi;
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

use crate::service::FullClient;

/// Refuses a `Live` chain whose BABE or GRANDPA authorities include a well-known development
/// key, naming them.
pub fn refuse_dev_authorities(
	config: &Configuration,
	client: &FullClient,
) -> Result<(), ServiceError> {
	if config.chain_spec.chain_type() != ChainType::Live {
		return Ok(());
	}
	let best = client.info().best_hash;
	let api = client.runtime_api();
	let babe = api
		.configuration(best)
		.map_err(|e| ServiceError::Other(format!("reading BABE's authorities: {e}")))?;
	let grandpa = api
		.grandpa_authorities(best)
		.map_err(|e| ServiceError::Other(format!("reading GRANDPA's authorities: {e}")))?;

	let mut known: Vec<String> = babe
		.authorities
		.iter()
		.filter_map(|(id, _)| Sr25519Keyring::from_public(&id.clone().into()))
		.map(|k| format!("BABE //{k:?}"))
		.collect();
	known.extend(
		grandpa
			.iter()
			.filter_map(|(id, _)| Ed25519Keyring::from_public(&id.clone().into()))
			.map(|k| format!("GRANDPA //{k:?}")),
	);
	if known.is_empty() {
		return Ok(());
	}
	Err(ServiceError::Other(format!(
		"chain `{}` is a Live chain, but its authorities include well-known development keys \
		 ({}): anyone can sign with them. Put the validators' own keys in the chain spec \
		 (see the README, \"Running a validator\").",
		config.chain_spec.id(),
		known.join(", ")
	)))
}
