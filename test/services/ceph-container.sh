#!/usr/bin/env bash
# Entry point of the `ceph` image of the Dockerfile: starts a single-host Ceph cluster with
# ceph-start.sh, creates the buckets named in SKYSIFT_CEPH_BUCKETS (comma-separated), and runs
# until the RADOS gateway exits. Data lives in memory (memstore) unless
# SKYSIFT_CEPH_OBJECTSTORE=bluestore, and is lost when the container stops.
#
# Usage: test/services/ceph-container.sh [DIR]   (DIR defaults to /var/lib/skysift-ceph)
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DIR=${1:-/var/lib/skysift-ceph}

rm -rf -- "$DIR"
"$SCRIPT_DIR/ceph-start.sh" "$DIR"
# shellcheck disable=SC1091
. "$DIR/env"

# curl signs the request with AWS Signature Version 4 itself (curl 7.75 or later). The gateway
# rejects the signature unless the request carries x-amz-content-sha256, which curl 7.88 omits.
IFS=',' read -r -a buckets <<<"${SKYSIFT_CEPH_BUCKETS:-}"
for bucket in "${buckets[@]}"; do
  [ -n "$bucket" ] || continue
  status=$(curl --silent --output /dev/null --write-out '%{http_code}' -X PUT \
    --header 'x-amz-content-sha256: UNSIGNED-PAYLOAD' \
    --aws-sigv4 "aws:amz:$AWS_REGION:s3" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" \
    "$AWS_ENDPOINT_URL/$bucket")
  case "$status" in
    200 | 409) echo "ceph: bucket '$bucket' ready" >&2 ;;
    *) echo "ceph: creating bucket '$bucket' failed with HTTP $status" >&2 && exit 1 ;;
  esac
done

exec tail --pid="$CEPH_RGW_PID" -f /dev/null
