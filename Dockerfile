# Images of a skysift cluster, built from this repository.
#
#   default target (app)   the skysift command: storage node, transformer and delivery server
#                          (docker-compose.yml runs one container per process)
#   target ceph            a single-host Ceph 16 cluster (monitor, memstore OSD, RADOS gateway on
#                          port 7480) from Debian 12 packages, for the compose profile `ceph`
#
# docker build -t skysift .
# docker build -t skysift-ceph --target ceph .

# Compiles the TypeScript sources and keeps only the production dependencies.
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build && npm prune --omit=dev

# A throw-away Ceph cluster for the `ceph` profile; data is lost when the container stops.
FROM debian:12-slim AS ceph
RUN apt-get update \
  && apt-get install -y --no-install-recommends ceph-mon ceph-osd radosgw curl ca-certificates \
  && rm -rf /var/lib/apt/lists/*
COPY test/services/ /opt/skysift-ceph/
ENV SKYSIFT_CEPH_BIND_ADDRESS=0.0.0.0 \
  SKYSIFT_CEPH_RGW_PORT=7480
EXPOSE 7480
ENTRYPOINT ["/opt/skysift-ceph/ceph-container.sh"]

# The skysift command. It stays the last stage, so a plain `docker build` produces it.
FROM node:20-slim AS app
# The lockfile pins @aws-sdk/client-s3, whose warning about Node.js 22 being required by SDK
# releases from 2027 on does not apply to the pinned version.
ENV NODE_ENV=production \
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/proto ./proto
COPY --from=build /app/examples ./examples
USER node
EXPOSE 50050 50051 50060
ENTRYPOINT ["node", "bin/skysift.js"]
