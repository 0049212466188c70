#!/usr/bin/env bash
# Kills the RADOS gateway of the cluster in DIR and starts it again on the same port, for fault
# tests: requests sent in between fail with refused or reset connections. Waits until the new
# gateway responds with HTTP 200 and records its PID in DIR/env.
#
# Usage: test/services/ceph-restart-gateway.sh DIR [DOWN_MS]
# DOWN_MS: milliseconds to keep the gateway down before starting it again (default 0).
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=ceph-lib.sh
. "$SCRIPT_DIR/ceph-lib.sh"

[ $# -ge 1 ] && [ $# -le 2 ] || fail "usage: ceph-restart-gateway.sh DIR [DOWN_MS]"
DIR=$(cd "$1" && pwd)
DOWN_MS=${2:-0}
[ -f "$DIR/env" ] || fail "directory '$DIR' holds no env file: start a cluster there with ceph-start.sh"

port=$(read_env_value "$DIR" CEPH_RGW_PORT)
kill_cluster_process "$(read_env_value "$DIR" CEPH_RGW_PID)" "$DIR"
sleep "$(awk "BEGIN { print $DOWN_MS / 1000 }")"

pid=$(start_gateway_process "$DIR")
sed -i "s/^CEPH_RGW_PID=.*/CEPH_RGW_PID=$pid/" "$DIR/env"
wait_for_gateway "$DIR" "$port" "$pid"
