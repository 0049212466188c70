# Shared functions of the throw-away Ceph cluster scripts (ceph-start.sh, ceph-stop.sh,
# ceph-restart-gateway.sh). The scripts source it, and it defines functions and constants only.

# Fixed S3 credentials of the test user. They protect nothing: the cluster listens on 127.0.0.1
# unless SKYSIFT_CEPH_BIND_ADDRESS sets another address, and is deleted after the test run.
CEPH_TEST_ACCESS_KEY=${SKYSIFT_CEPH_ACCESS_KEY:-skysift-test-access-key}
CEPH_TEST_SECRET_KEY=${SKYSIFT_CEPH_SECRET_KEY:-skysift-test-secret-key}

# Upper bounds for each start step. Measured on a 2-core Debian 12 machine, the monitor responds in
# under 1 s, the OSD is up in about 1 s, and the gateway responds in under 2 s.
MON_WAIT_S=30
OSD_WAIT_S=60
RGW_WAIT_S=60
STOP_WAIT_S=15

# Prints a message on stderr and exits with status 1.
fail() {
  echo "ceph: $*" >&2
  exit 1
}

# Prints the last lines of every daemon log in DIR on stderr, for start failures.
print_log_tails() {
  local dir=$1 log
  for log in "$dir"/log/*.log "$dir"/log/*.out; do
    [ -f "$log" ] || continue
    echo "----- last 30 lines of $log -----" >&2
    tail -n 30 "$log" >&2
  done
}

# Prints a free TCP port on 127.0.0.1, with node or, where node is missing (the Ceph image),
# python3. The port is free when checked; another process can still take it before the daemon
# binds, which then shows up as a start failure.
free_port() {
  if command -v node >/dev/null; then
    node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
  else
    python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1]); s.close()"
  fi
}

# Prints the HTTP status code of a GET of URL, or 000 when the connection fails.
http_status() {
  curl --silent --max-time 2 --output /dev/null --write-out '%{http_code}' "$1" || true
}

# Returns success when PID is a running process whose command line mentions the cluster's
# ceph.conf in DIR, so that a recycled PID of an unrelated process is never signalled.
is_cluster_process() {
  local pid=$1 dir=$2
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$dir/ceph.conf"
}

# Sends SIGKILL to PID if it belongs to the cluster in DIR and waits until it is gone.
kill_cluster_process() {
  local pid=$1 dir=$2 waited=0
  is_cluster_process "$pid" "$dir" || return 0
  kill -KILL "$pid" 2>/dev/null || true
  while [ -e "/proc/$pid" ] && [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]; do
    [ "$waited" -ge $((STOP_WAIT_S * 10)) ] && fail "process $pid did not exit within ${STOP_WAIT_S} s"
    sleep 0.1
    waited=$((waited + 1))
  done
}

# Reads KEY from DIR/env, or prints nothing when it is absent.
read_env_value() {
  local dir=$1 key=$2
  sed -n "s/^$key=//p" "$dir/env" 2>/dev/null | tail -n 1
}

# Starts radosgw for the cluster in DIR in its own session, with output in DIR/log, and prints
# its PID.
start_gateway_process() {
  local dir=$1
  setsid radosgw -c "$dir/ceph.conf" -n client.rgw -f >>"$dir/log/radosgw.out" 2>&1 </dev/null &
  echo $!
}

# Waits until the gateway on PORT responds with HTTP 200 at / (an anonymous bucket listing).
wait_for_gateway() {
  local dir=$1 port=$2 pid=$3 waited=0
  until [ "$(http_status "http://127.0.0.1:$port/")" = 200 ]; do
    if ! is_cluster_process "$pid" "$dir"; then
      print_log_tails "$dir"
      fail "radosgw (PID $pid) exited during start; its log is $dir/log/client.rgw.log"
    fi
    if [ "$waited" -ge $((RGW_WAIT_S * 10)) ]; then
      print_log_tails "$dir"
      fail "radosgw did not respond with HTTP 200 on 127.0.0.1:$port within ${RGW_WAIT_S} s; its log is $dir/log/client.rgw.log"
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
}
