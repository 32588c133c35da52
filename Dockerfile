# cross-bot — production image.
# Build: docker build -t cross-bot .   Run: see README « Production ».
# Node 22 LTS: Node 20 reached end of life in April 2026; every pinned package supports 22.
FROM node:22-bookworm-slim AS build
WORKDIR /app
# sqlite3 is compiled from source against the image's Node headers: no download from GitHub.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
ENV npm_config_build_from_source=true npm_config_nodedir=/usr/local
COPY package.json package-lock.json ./
COPY vendor ./vendor
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

# The public citizen-tips form, as its own image: docker build --target tips -t cross-bot-tips .
# It gets the config file and REDIS_URL only — no Matrix token, no data volume (docs/tips.md).
FROM node:22-bookworm-slim AS tips
ENV NODE_ENV=production CROSS_TIPS_HOST=0.0.0.0 CROSS_TIPS_PORT=8090 CROSS_TIPS_SPOOL_DIR=/spool
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY data ./data
RUN mkdir -p /spool && chown node:node /spool
USER node
VOLUME ["/spool"]
EXPOSE 8090
ENTRYPOINT ["node", "dist/tips/main.js"]
CMD ["--config", "/config/cross.yaml"]

# The bot (default target).
FROM node:22-bookworm-slim
# Memory (issue 16): V8 collects under a 128 MB old space and 4 MB semi-spaces instead of growing
# its heap (RSS) lazily towards its default limit; two malloc arenas keep the SQLite worker threads
# from each holding their own. Measured by `npm run bench:rss` (bench/results/rss.json).
ENV NODE_ENV=production CROSS_DATA_DIR=/data CROSS_HTTP_HOST=0.0.0.0 CROSS_HTTP_PORT=9464 \
    NODE_OPTIONS="--max-old-space-size=128 --max-semi-space-size=4" MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY data ./data
COPY config ./config
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.CROSS_HTTP_PORT||9464)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "dist/main.js"]
CMD ["--config", "/config/cross.yaml"]
