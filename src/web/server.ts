import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";
import { checkHealth, type HealthProbes } from "./health.js";

export interface OpsServerOptions {
  host: string;
  port: number;
  probes: HealthProbes;
  maxSyncAgeSeconds: number;
  registry: Registry;
}

/** The operator's endpoints: /healthz (200 or 503, JSON) and /metrics (Prometheus text). */
export async function startOpsServer(options: OpsServerOptions): Promise<{ server: Server; port: number }> {
  const server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    if (path === "/healthz") {
      void checkHealth(options.probes, options.maxSyncAgeSeconds, Date.now() / 1000).then((health) => {
        response.writeHead(health.ok ? 200 : 503, { "content-type": "application/json" });
        response.end(JSON.stringify({ status: health.ok ? "ok" : "failing", ...health }));
      });
      return;
    }
    if (path === "/metrics") {
      void options.registry.metrics().then(
        (text) => response.writeHead(200, { "content-type": options.registry.contentType }).end(text),
        () => response.writeHead(500).end(),
      );
      return;
    }
    response.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return { server, port: (server.address() as AddressInfo).port };
}
