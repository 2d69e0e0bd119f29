//! The real `daollm-node --dev`: it produces and finalizes blocks, reports the token's
//! properties, serves Prometheus metrics, and refuses bad input with a clear error.

mod common;

use std::{net::TcpListener, time::Duration};

use common::{free_port, run_to_exit, Node};
use serde_json::json;

#[test]
fn dev_chain_produces_and_finalizes_blocks_and_reports_its_token() {
	let node = Node::dev();
	node.wait_for_rpc(Duration::from_secs(120));

	let (best, finalized) = node.wait_for_finalized(3, Duration::from_secs(120));
	assert!(best >= finalized && finalized >= 3, "best {best}, finalized {finalized}");

	let properties = node.call("system_properties", json!([]));
	assert_eq!(properties["tokenSymbol"], "PROPOSAL");
	assert_eq!(properties["tokenDecimals"], 12);
	assert_eq!(properties["ss58Format"], 42);
	assert_eq!(node.call("system_chain", json!([])), "DAOLLM Development");

	let metrics = node.metrics();
	assert!(metrics.contains("substrate_block_height"), "Prometheus serves block heights");
}

fn assert_clear_failure(output: &std::process::Output, expected: &str) {
	let stderr = String::from_utf8_lossy(&output.stderr);
	assert!(!output.status.success(), "exits non-zero");
	assert!(!stderr.contains("panicked"), "no panic trace: {stderr}");
	assert!(stderr.contains(expected), "stderr says `{expected}`: {stderr}");
}

#[test]
fn an_unknown_chain_name_is_a_clear_error() {
	let output = run_to_exit(
		&["--chain", "no-such-chain", "--tmp", "--rpc-port", &free_port().to_string()],
		Duration::from_secs(60),
	);
	assert_clear_failure(&output, "unknown chain `no-such-chain`");
}

#[test]
fn a_malformed_chain_spec_is_a_clear_error() {
	let path = std::env::temp_dir().join(format!("daollm-bad-spec-{}.json", std::process::id()));
	std::fs::write(&path, b"{\"name\": \"broken\", ").unwrap();
	let output = run_to_exit(
		&["--chain", path.to_str().unwrap(), "--tmp", "--rpc-port", &free_port().to_string()],
		Duration::from_secs(60),
	);
	std::fs::remove_file(&path).unwrap();
	assert_clear_failure(&output, "is not a valid chain specification");
}

#[test]
fn an_rpc_port_in_use_is_a_clear_error() {
	let taken = TcpListener::bind("127.0.0.1:0").unwrap();
	let port = taken.local_addr().unwrap().port().to_string();
	let output = run_to_exit(
		&[
			"--dev",
			"--tmp",
			"--no-mdns",
			"--rpc-port",
			&port,
			"--prometheus-port",
			&free_port().to_string(),
			"--listen-addr",
			&format!("/ip4/127.0.0.1/tcp/{}", free_port()),
		],
		Duration::from_secs(120),
	);
	assert_clear_failure(&output, "Address already in use");
}

#[test]
fn a_bad_inference_setup_is_a_clear_error() {
	// Read at run time, not compile time: the build may be shared by clones at other paths.
	let model = std::path::PathBuf::from(
		std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
	)
	.join("../offchain-workers/model/proposal-classifier.onnx");
	let model = model.to_str().expect("a UTF-8 path");
	let dir = std::env::temp_dir().join(format!("daollm-bad-model-{}", std::process::id()));
	std::fs::create_dir_all(&dir).unwrap();
	let corrupt = dir.join("corrupt.onnx");
	std::fs::write(&corrupt, b"not an onnx file").unwrap();
	let missing_model = dir.join("none.onnx");
	let missing_lib = dir.join("libonnxruntime.so");
	let port = free_port().to_string();
	let cases: [(&[&str], &str); 3] = [
		(&["--inference-model", corrupt.to_str().unwrap()], "is not a usable classifier model"),
		(&["--inference-model", missing_model.to_str().unwrap()], "cannot read the model"),
		(
			&["--inference-model", model, "--onnxruntime", missing_lib.to_str().unwrap()],
			"cannot load the ONNX Runtime library",
		),
	];
	for (args, expected) in cases {
		let mut all = vec!["--dev", "--tmp", "--rpc-port", &port];
		all.extend_from_slice(args);
		let output = run_to_exit(&all, Duration::from_secs(60));
		assert_clear_failure(&output, expected);
	}
	std::fs::remove_dir_all(&dir).unwrap();
}
