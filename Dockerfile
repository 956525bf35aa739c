# syntax=docker/dockerfile:1

# One image for every process: the gateway by default, each subgraph by overriding the command
# (see docker-compose.yml). Node 24 LTS in every stage, so native optional packages (argon2, swc) match.
# Node 22 leaves maintenance in April 2027; on 24 the gateway spends about a third less CPU per
# federated request (bench/BASELINE.md, "Runtime").
ARG NODE_IMAGE=node:24-bookworm-slim

# Compiles TypeScript to dist/ with the full (dev) dependency set.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Packages the lockfile links from vendor/ (a patched graphql-shield) must be there before npm ci.
COPY vendor ./vendor
# No dependency needs its install script; skipping them keeps the install the same across npm versions.
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY lib ./lib
COPY gateway ./gateway
COPY bin ./bin
COPY subgraphs ./subgraphs
COPY schema ./schema
RUN npm run build

# Production dependencies only, installed apart so the runtime stage never sees dev tooling.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY vendor ./vendor
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000
WORKDIR /app
# package.json stays: its "type": "module" is what makes Node load dist/**/*.js as ES modules.
COPY package.json package-lock.json ./
COPY --from=deps /app/node_modules ./node_modules
# node_modules links vendored packages into vendor/.
COPY --from=deps /app/vendor ./vendor
COPY --from=build /app/dist ./dist
# The gateway reads schema/supergraph.graphql at runtime (relative to dist/gateway/src).
COPY schema/*.graphql ./schema/
# Code stays root-owned and read-only to the process; nothing is written at runtime in production.
USER node
EXPOSE 4000
# Liveness of the gateway; docker-compose.yml overrides it per service with each one's own port.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/health', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--enable-source-maps", "dist/gateway/src/main.js"]
