#!/usr/bin/env bash
# Runs the zombienet tests: real four-validator networks of daollm-node under zombienet's native
# provider (npm @zombienet/cli; no Docker, no download at run time).
#
#   scripts/zombienet.sh                       # every zombienet/*.zndsl
#   scripts/zombienet.sh 0002-whale-liar       # the ones whose names contain the argument
#
# Uses the daollm-node that scripts/test.sh's cargo test built (building it if there is none),
# builds the upgrade runtime (spec_version + 1) for the upgrade test in its own target directory,
# writes dave's wrong model, and prints each test's wall time and every node's peak RSS.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

setup
ZN="$ROOT/zombienet"
if [ ! -x "$DAOLLM_NODE" ]; then
	build_node
fi
if [ ! -x "$ZN/node_modules/.bin/zombienet" ]; then
	log "installing zombienet (npm ci)"
	(cd "$ZN" && npm ci --no-audit --no-fund --loglevel=error)
fi

build_upgrade_runtime
export DAOLLM_UPGRADE_WASM="$UPGRADE_WASM"

STATE="$(mktemp -d "${TMPDIR:-/tmp}/daollm-zombienet.XXXXXX")"
SAMPLER=""
cleanup() {
	[ -n "$SAMPLER" ] && kill "$SAMPLER" 2>/dev/null || true
	# Nodes of an interrupted run: only those whose base path is under a zombienet temp dir.
	pkill -f "$DAOLLM_NODE .*--base-path [^ ]*zombie-" 2>/dev/null || true
	rm -rf "$STATE"
}
trap cleanup EXIT
export ZOMBIE_STATE_DIR="$STATE"
# dave's wrong model in 0002: the shipped graph with ONNX `model_version` 2 appended (protobuf
# field 5) — a valid model, but another file with another sha256 than the active one.
export DAOLLM_WRONG_MODEL="$STATE/wrong-model.onnx"
{ cat "$DAOLLM_MODEL"; printf '\x28\x02'; } > "$DAOLLM_WRONG_MODEL"

# Samples every zombienet node's peak resident set (VmHWM) until killed; one line per node.
sample_rss() {
	local out="$1"
	declare -A peak
	while :; do
		for status in /proc/[0-9]*/status; do
			local pid="${status#/proc/}" && pid="${pid%/status}"
			local cmd
			cmd="$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null)" || continue
			case "$cmd" in "$DAOLLM_NODE "*"--name "*) ;; *) continue ;; esac
			local name="${cmd#*--name }" && name="${name%% *}"
			local hwm
			hwm="$(awk '/^VmHWM/ {print $2}' "$status" 2>/dev/null)" || continue
			[ -n "$hwm" ] || continue
			if [ -z "${peak[$name]:-}" ] || [ "$hwm" -gt "${peak[$name]}" ]; then
				peak[$name]="$hwm"
				for n in "${!peak[@]}"; do echo "$n ${peak[$n]}"; done | sort > "$out"
			fi
		done
		sleep 2
	done
}

failed=0
for test in "$ZN"/*.zndsl; do
	name="$(basename "$test" .zndsl)"
	[ $# -eq 0 ] || [[ "$name" == *"$1"* ]] || continue
	log "zombienet: $name"
	: > "$STATE/rss-$name"
	sample_rss "$STATE/rss-$name" &
	SAMPLER=$!
	start=$(date +%s)
	# zombienet keeps its network directory (chain specs, databases, logs) in TMPDIR: ours, which
	# the cleanup removes.
	mkdir -p "$STATE/tmp"
	if (cd "$ZN" && TMPDIR="$STATE/tmp" node_modules/.bin/zombienet -p native -l text test "$test"); then
		result=passed
	else
		result=FAILED
		failed=1
		# A failed network's logs outlive the run (outside the clone), for the next reader.
		kept="$HOME/.cache/daollm/zombienet-logs/$name-$(date +%Y%m%d-%H%M%S)"
		mkdir -p "$kept"
		for node_log in "$STATE"/tmp/zombie-*/logs/*.log; do
			[ -f "$node_log" ] || continue
			cp "$node_log" "$kept/"
			log "warnings and last lines of $(basename "$node_log") (whole log in $kept)"
			grep -E "WARN|ERROR|missed|excus|Excluded" "$node_log" | tail -n 15 >&2 || true
			tail -n 25 "$node_log" >&2
		done
	fi
	rm -rf "$STATE/tmp"
	kill "$SAMPLER" 2>/dev/null || true
	wait "$SAMPLER" 2>/dev/null || true
	SAMPLER=""
	log "zombienet: $name $result in $(( $(date +%s) - start )) s; peak RSS per node (MiB):"
	awk '{ printf "    %-8s %6.0f\n", $1, $2 / 1024 }' "$STATE/rss-$name" >&2
done
exit "$failed"
