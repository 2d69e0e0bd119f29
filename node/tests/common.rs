//! Starting and stopping a real `daollm-node` for tests: loopback only, free ports, a temporary
//! base path, and the process killed when the handle drops.

#![allow(dead_code)]

use std::{
	io::{Read, Write},
	net::{TcpListener, TcpStream},
	process::{Child, Command, Output, Stdio},
	time::{Duration, Instant},
};

use serde_json::{json, Value};

/// The node binary cargo built for these tests.
pub const NODE: &str = env!("CARGO_BIN_EXE_daollm-node");

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
	TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A running node; killed, and its base path removed, on drop.
pub struct Node {
	child: Child,
	base: std::path::PathBuf,
	pub rpc_port: u16,
	pub prometheus_port: u16,
}

impl Node {
	/// Starts `daollm-node --dev` on free loopback ports.
	pub fn dev() -> Node {
		let base = std::env::temp_dir().join(format!(
			"daollm-node-test-{}-{}",
			std::process::id(),
			free_port()
		));
		let (rpc_port, p2p_port, prometheus_port) = (free_port(), free_port(), free_port());
		let child = Command::new(NODE)
			.args(["--dev", "--no-telemetry", "--no-mdns", "--rpc-cors", "all"])
			.arg("--base-path")
			.arg(&base)
			.args(["--rpc-port", &rpc_port.to_string()])
			.args(["--prometheus-port", &prometheus_port.to_string()])
			.args(["--listen-addr", &format!("/ip4/127.0.0.1/tcp/{p2p_port}")])
			.stdout(Stdio::null())
			.stderr(Stdio::null())
			.spawn()
			.expect("daollm-node starts");
		Node { child, base, rpc_port, prometheus_port }
	}

	/// The node's process id.
	pub fn pid(&self) -> u32 {
		self.child.id()
	}

	/// Calls JSON-RPC `method` over HTTP; `Err` if the node does not answer or answers an error.
	pub fn try_call(&self, method: &str, params: Value) -> Result<Value, String> {
		let body = json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params });
		let response = http(self.rpc_port, "POST", "/", &body.to_string())?;
		let response: Value = serde_json::from_str(&response).map_err(|e| e.to_string())?;
		match response.get("result") {
			Some(result) => Ok(result.clone()),
			None => Err(format!("{method} failed: {response}")),
		}
	}

	/// Calls JSON-RPC `method`, which must succeed.
	pub fn call(&self, method: &str, params: Value) -> Value {
		self.try_call(method, params).unwrap()
	}

	/// Waits, at most `timeout`, until the RPC server answers.
	pub fn wait_for_rpc(&self, timeout: Duration) {
		let start = Instant::now();
		while self.try_call("system_health", json!([])).is_err() {
			assert!(start.elapsed() < timeout, "RPC did not come up within {timeout:?}");
			std::thread::sleep(Duration::from_millis(250));
		}
	}

	/// The number of the best and of the finalized block.
	pub fn heights(&self) -> (u64, u64) {
		let best = self.call("chain_getHeader", json!([]));
		let finalized_hash = self.call("chain_getFinalizedHead", json!([]));
		let finalized = self.call("chain_getHeader", json!([finalized_hash]));
		(block_number(&best), block_number(&finalized))
	}

	/// Waits, at most `timeout`, until block `n` is finalized.
	pub fn wait_for_finalized(&self, n: u64, timeout: Duration) -> (u64, u64) {
		let start = Instant::now();
		loop {
			let heights = self.heights();
			if heights.1 >= n {
				return heights;
			}
			assert!(
				start.elapsed() < timeout,
				"block {n} not finalized in {timeout:?}: {heights:?}"
			);
			std::thread::sleep(Duration::from_millis(500));
		}
	}

	/// The Prometheus exposition text.
	pub fn metrics(&self) -> String {
		http(self.prometheus_port, "GET", "/metrics", "").unwrap()
	}
}

impl Drop for Node {
	fn drop(&mut self) {
		let _ = self.child.kill();
		let _ = self.child.wait();
		let _ = std::fs::remove_dir_all(&self.base);
	}
}

/// One HTTP/1.0 request to 127.0.0.1:`port`; the response body.
fn http(port: u16, method: &str, path: &str, body: &str) -> Result<String, String> {
	let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
	stream.set_read_timeout(Some(Duration::from_secs(30))).map_err(|e| e.to_string())?;
	let request = format!(
		"{method} {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
		 Content-Length: {}\r\n\r\n{body}",
		body.len()
	);
	stream.write_all(request.as_bytes()).map_err(|e| e.to_string())?;
	let mut response = String::new();
	stream.read_to_string(&mut response).map_err(|e| e.to_string())?;
	let (head, body) = response.split_once("\r\n\r\n").ok_or("malformed HTTP response")?;
	if !head.starts_with("HTTP/1.1 200") && !head.starts_with("HTTP/1.0 200") {
		return Err(format!("HTTP error: {head}"));
	}
	Ok(body.to_string())
}

fn block_number(header: &Value) -> u64 {
	let hex = header["number"].as_str().expect("header has a number");
	u64::from_str_radix(hex.trim_start_matches("0x"), 16).unwrap()
}

/// Runs `daollm-node` with `args` to completion, at most `timeout`.
pub fn run_to_exit(args: &[&str], timeout: Duration) -> Output {
	let mut child = Command::new(NODE)
		.args(args)
		.stdout(Stdio::piped())
		.stderr(Stdio::piped())
		.spawn()
		.expect("daollm-node starts");
	let start = Instant::now();
	while child.try_wait().unwrap().is_none() {
		if start.elapsed() > timeout {
			let _ = child.kill();
			panic!("daollm-node {args:?} did not exit within {timeout:?}");
		}
		std::thread::sleep(Duration::from_millis(100));
	}
	child.wait_with_output().unwrap()
}
