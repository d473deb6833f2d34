# syntax=docker/dockerfile:1
# trustctl's container image: the CLI, the team server (`serve`), remote collectors (`collect --push`)
# and the admission webhook (`admission serve`) are one binary. Two stages: the build stage compiles
# trustctl and better-sqlite3's native addon with the full toolchain; the final stage is distroless
# (Node and glibc only: no shell, no package manager) and runs as the `nonroot` user (65532).
# Both bases are pinned by digest, so a rebuild gets the same bytes; update them deliberately.

# node:22-bookworm-slim: the same Debian 12 glibc the final stage has, so the addon built here loads there.
FROM node:22-bookworm-slim@sha256:43ac6c60b8f89723f746e8a92ce91abd5017e627ce1ddfe4238355d3a30b772c AS build
# better-sqlite3 compiles its addon with node-gyp when no prebuilt binary matches.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
# Scripts off: `prepare` builds trustctl, which needs the sources copied next; the addon is built explicitly.
RUN npm ci --no-audit --no-fund --ignore-scripts && npm rebuild better-sqlite3
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
COPY checks ./checks
COPY catalog ./catalog
COPY bench ./bench
COPY scripts ./scripts
COPY web ./web
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# gcr.io/distroless/nodejs22-debian12, tag nonroot.
FROM gcr.io/distroless/nodejs22-debian12:nonroot@sha256:13593b7570658e8477de39e2f4a1dd25db2f836d68a0ba771251572d23bb4f8e
WORKDIR /app
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/bin ./bin
COPY --from=build /src/dist ./dist
COPY --from=build /src/catalog ./catalog
COPY --from=build /src/node_modules ./node_modules
USER 65532:65532
ENV NODE_ENV=production
ENTRYPOINT ["/nodejs/bin/node", "/app/bin/trustctl.js"]
CMD ["--help"]
