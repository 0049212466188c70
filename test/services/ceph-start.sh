#!/usr/bin/env bash
# Starts a throw-away single-host Ceph 16 cluster (one monitor, one OSD, one RADOS gateway) in DIR,
# listening on free ports of 127.0.0.1 only, and writes DIR/env with the S3 endpoint, the fixed
# test credentials and the daemon PIDs. Installs Debian's Ceph packages when they are missing,
# which needs root and apt-get.
#
# Usage: test/services/ceph-start.sh DIR
# Environment:
#   SKYSIFT_CEPH_OBJECTSTORE   memstore (default, data in memory) or bluestore (data in a sparse
#                              file DIR/osd-block, for tests that write more than a few hundred MB)
#   SKYSIFT_CEPH_RGW_PORT      gateway port (default: a free port)
#   SKYSIFT_CEPH_BIND_ADDRESS  gateway listen address (default 127.0.0.1; 0.0.0.0 in a container)
#   SKYSIFT_CEPH_ACCESS_KEY, SKYSIFT_CEPH_SECRET_KEY   keys of the S3 user (default: fixed test keys)
#   SKYSIFT_CEPH_OWNER_PID     stop the cluster when this process exits, even if it was killed
#                              before it could run ceph-stop.sh
# Stop the cluster with test/services/ceph-stop.sh DIR.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=ceph-lib.sh
. "$SCRIPT_DIR/ceph-lib.sh"

MEMSTORE_DEVICE_BYTES=$((4 * 1024 * 1024 * 1024))
BLUESTORE_BLOCK_BYTES=$((20 * 1024 * 1024 * 1024))

# Installs the Ceph daemons from Debian's packages unless they are already on the PATH.
install_ceph() {
  if command -v ceph-mon >/dev/null && command -v ceph-osd >/dev/null &&
    command -v radosgw >/dev/null; then
    return 0
  fi
  [ "$(id -u)" = 0 ] || fail "Ceph is not installed and installing it needs root: run as root or install ceph-mon ceph-osd radosgw"
  command -v apt-get >/dev/null || fail "Ceph is not installed and apt-get is missing: install ceph-mon ceph-osd radosgw by hand"
  echo "ceph: installing ceph-mon ceph-osd radosgw with apt-get" >&2
  apt-get update >"$DIR/log/apt.out" 2>&1 ||
    { tail -n 20 "$DIR/log/apt.out" >&2; fail "apt-get update failed; see $DIR/log/apt.out"; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
    ceph-mon ceph-osd radosgw >>"$DIR/log/apt.out" 2>&1 ||
    { tail -n 20 "$DIR/log/apt.out" >&2; fail "apt-get install of Ceph failed; see $DIR/log/apt.out"; }
}

# Writes DIR/ceph.conf for a single-copy cluster with authentication off.
write_config() {
  local objectstore_lines
  case "$OBJECTSTORE" in
    memstore)
      objectstore_lines="osd objectstore = memstore
memstore device bytes = $MEMSTORE_DEVICE_BYTES"
      ;;
    bluestore)
      objectstore_lines="osd objectstore = bluestore
bluestore block path = $DIR/osd-block
bluestore block create = true
bluestore block size = $BLUESTORE_BLOCK_BYTES"
      ;;
    *) fail "invalid SKYSIFT_CEPH_OBJECTSTORE '$OBJECTSTORE': expected memstore or bluestore" ;;
  esac

  cat >"$DIR/ceph.conf" <<EOF
[global]
fsid = $FSID
mon host = [v2:127.0.0.1:$MON_PORT]
public addr = 127.0.0.1
ms bind msgr1 = false
auth cluster required = none
auth service required = none
auth client required = none
keyring = $DIR/keyring
run dir = $DIR/run
admin socket = $DIR/run/\$name.asok
log file = $DIR/log/\$name.log
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon warn on pool no redundancy = false
paxos propose interval = 0.05
paxos min wait = 0.01

[mon]
mon data = $DIR/mon.\$id

[osd]
osd data = $DIR/osd.\$id
$objectstore_lines

[client.rgw]
rgw frontends = beast endpoint=$BIND_ADDRESS:$RGW_PORT
rgw data = $DIR/rgw
ms mon client mode = crc
EOF
}

# Creates the monitor store and starts ceph-mon; sets MON_PID.
start_monitor() {
  ceph-authtool --create-keyring "$DIR/keyring" --gen-key -n mon. --cap mon 'allow *' \
    >/dev/null
  monmaptool --create --addv a "[v2:127.0.0.1:$MON_PORT]" --fsid "$FSID" "$DIR/monmap" \
    >/dev/null
  ceph-mon -c "$DIR/ceph.conf" --mkfs -i a --monmap "$DIR/monmap" --keyring "$DIR/keyring" \
    >"$DIR/log/mon-mkfs.out" 2>&1 || { print_log_tails "$DIR"; fail "ceph-mon --mkfs failed"; }

  setsid ceph-mon -c "$DIR/ceph.conf" -i a -f >"$DIR/log/ceph-mon.out" 2>&1 </dev/null &
  MON_PID=$!

  local waited=0
  until timeout 5 ceph -c "$DIR/ceph.conf" --connect-timeout 2 mon stat >/dev/null 2>&1; do
    is_cluster_process "$MON_PID" "$DIR" ||
      { print_log_tails "$DIR"; fail "ceph-mon (PID $MON_PID) exited during start; its log is $DIR/log/mon.a.log"; }
    [ "$waited" -lt "$MON_WAIT_S" ] ||
      { print_log_tails "$DIR"; fail "ceph-mon did not respond within ${MON_WAIT_S} s; its log is $DIR/log/mon.a.log"; }
    sleep 0.2
    waited=$((waited + 1))
  done
}

# Registers, formats and starts one OSD; sets OSD_PID.
start_osd() {
  local uuid id waited=0
  uuid=$(cat /proc/sys/kernel/random/uuid)
  id=$(ceph -c "$DIR/ceph.conf" osd new "$uuid")
  mkdir -p "$DIR/osd.$id"
  ceph-osd -c "$DIR/ceph.conf" -i "$id" --mkfs --osd-uuid "$uuid" \
    >"$DIR/log/osd-mkfs.out" 2>&1 || { print_log_tails "$DIR"; fail "ceph-osd --mkfs failed"; }

  setsid ceph-osd -c "$DIR/ceph.conf" -i "$id" -f >"$DIR/log/ceph-osd.out" 2>&1 </dev/null &
  OSD_PID=$!

  until ceph -c "$DIR/ceph.conf" osd dump 2>/dev/null | grep -q "^osd\.$id up"; do
    is_cluster_process "$OSD_PID" "$DIR" ||
      { print_log_tails "$DIR"; fail "ceph-osd (PID $OSD_PID) exited during start; its log is $DIR/log/osd.$id.log"; }
    [ "$waited" -lt $((OSD_WAIT_S * 5)) ] ||
      { print_log_tails "$DIR"; fail "osd.$id was not up within ${OSD_WAIT_S} s; its log is $DIR/log/osd.$id.log"; }
    sleep 0.2
    waited=$((waited + 1))
  done
}

# Starts radosgw, waits for HTTP 200 and creates the S3 user with the fixed test keys.
start_gateway() {
  mkdir -p "$DIR/rgw"
  RGW_PID=$(start_gateway_process "$DIR")
  wait_for_gateway "$DIR" "$RGW_PORT" "$RGW_PID"
  radosgw-admin -c "$DIR/ceph.conf" user create --uid=test --display-name='skysift tests' \
    --access-key="$CEPH_TEST_ACCESS_KEY" --secret-key="$CEPH_TEST_SECRET_KEY" \
    >"$DIR/log/user-create.out" 2>&1 ||
    { cat "$DIR/log/user-create.out" >&2; fail "radosgw-admin user create failed"; }
}

# Writes DIR/env: shell-compatible KEY=VALUE lines that tests and ceph-stop.sh read.
write_env() {
  cat >"$DIR/env" <<EOF
AWS_ENDPOINT_URL=http://127.0.0.1:$RGW_PORT
AWS_ACCESS_KEY_ID=$CEPH_TEST_ACCESS_KEY
AWS_SECRET_ACCESS_KEY=$CEPH_TEST_SECRET_KEY
AWS_REGION=us-east-1
CEPH_CONF=$DIR/ceph.conf
CEPH_RGW_PORT=$RGW_PORT
CEPH_MON_PID=$MON_PID
CEPH_OSD_PID=$OSD_PID
CEPH_RGW_PID=$RGW_PID
EOF
}

# Starts a background watcher that runs ceph-stop.sh once SKYSIFT_CEPH_OWNER_PID has exited. The
# watcher exits by itself within 2 s after DIR is deleted by a normal stop.
start_owner_watch() {
  local owner=${SKYSIFT_CEPH_OWNER_PID:-}
  [ -n "$owner" ] || return 0
  setsid bash -c 'while kill -0 "$1" 2>/dev/null && [ -d "$2" ]; do sleep 2; done
    [ -d "$2" ] && "$3" "$2"' ceph-owner-watch "$owner" "$DIR" "$SCRIPT_DIR/ceph-stop.sh" \
    >>"$DIR/log/owner-watch.out" 2>&1 </dev/null &
}

# Kills the daemons started so far when the script fails, so that a failed start leaks nothing.
cleanup_on_failure() {
  local status=$?
  [ "$status" = 0 ] && return 0
  local pid
  for pid in "${RGW_PID:-}" "${OSD_PID:-}" "${MON_PID:-}"; do
    kill_cluster_process "$pid" "$DIR" || true
  done
  echo "ceph: start failed; logs are in $DIR/log" >&2
}

[ $# = 1 ] || fail "usage: ceph-start.sh DIR"
mkdir -p "$1"
DIR=$(cd "$1" && pwd)
[ ! -e "$DIR/ceph.conf" ] || fail "directory '$DIR' already holds a cluster: stop it with ceph-stop.sh or pick a new directory"
mkdir -p "$DIR/log" "$DIR/run"
OBJECTSTORE=${SKYSIFT_CEPH_OBJECTSTORE:-memstore}
trap cleanup_on_failure EXIT

install_ceph
FSID=$(cat /proc/sys/kernel/random/uuid)
MON_PORT=$(free_port)
RGW_PORT=${SKYSIFT_CEPH_RGW_PORT:-$(free_port)}
BIND_ADDRESS=${SKYSIFT_CEPH_BIND_ADDRESS:-127.0.0.1}
write_config
start_monitor
start_osd
start_gateway
write_env
start_owner_watch
echo "ceph: S3 gateway ready at http://$BIND_ADDRESS:$RGW_PORT (environment in $DIR/env)" >&2
