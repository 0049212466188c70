#!/usr/bin/env bash
# Stops the cluster that ceph-start.sh started in DIR, by the PIDs recorded in DIR/env, and deletes
# DIR. Only processes whose command line names DIR/ceph.conf are signalled. A DIR that does not
# exist is not an error, so teardown can run after a failed start.
#
# Usage: test/services/ceph-stop.sh DIR
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=ceph-lib.sh
. "$SCRIPT_DIR/ceph-lib.sh"

[ $# = 1 ] || fail "usage: ceph-stop.sh DIR"
[ -d "$1" ] || exit 0
DIR=$(cd "$1" && pwd)
[ -f "$DIR/ceph.conf" ] ||
  fail "directory '$DIR' holds no ceph.conf, so it is not a cluster that ceph-start.sh started; nothing was deleted"

# SIGKILL is instant, and a throw-away cluster loses nothing it needs (SIGTERM takes about 5 s).
for key in CEPH_RGW_PID CEPH_OSD_PID CEPH_MON_PID; do
  kill_cluster_process "$(read_env_value "$DIR" "$key")" "$DIR"
done

rm -rf -- "$DIR"
