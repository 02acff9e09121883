# syntax=docker/dockerfile:1
# One image for every Argus app. The app is chosen at run time by ARGUS_APP:
#   standalone (default: one process, SQLite under /data), or one of the distributed apps
#   gateway, authorization, token, clients, introspection, keys (need NATS_URL, DATABASE_URL=postgres://…, ARGUS_KEK).
#   docker build -t argus-idp .
#   docker run -p 3000:3000 argus-idp                                  # standalone
#   docker run -e ARGUS_APP=keys -e NATS_URL=… -e DATABASE_URL=… -e ARGUS_KEK=… argus-idp

# ---- build: install every dependency, compile, then drop the dev dependencies ----
FROM node:20-bookworm-slim AS build
# Toolchain for native addons (argon2, better-sqlite3) when no prebuilt binary fits.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

# ---- runtime: compiled apps and production node_modules only ----
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    ARGUS_APP=standalone \
    HOST=0.0.0.0 \
    PORT=3000 \
    ARGUS_DATA_DIR=/data \
    DATABASE_URL=sqlite:/data/argus.sqlite
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# /data is written by the standalone app (SQLite, generated KEK) and by the clients app (a generated admin secret).
RUN mkdir -p /data && chown 1000:1000 /data
VOLUME ["/data"]
# The image's own unprivileged user "node" (uid/gid 1000).
USER 1000:1000
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# exec: node is PID 1 and receives SIGTERM itself (graceful shutdown drains NATS).
CMD ["sh", "-c", "test -f \"dist/apps/${ARGUS_APP}/src/main.js\" || { echo \"unknown ARGUS_APP '${ARGUS_APP}'\" >&2; exit 64; }; exec node \"dist/apps/${ARGUS_APP}/src/main.js\""]
