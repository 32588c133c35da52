/**
 * Who may see a report, as the officer sets it: `service` (their service and the coordinator),
 * `restreint:<services>` (those services and the coordinator), `cross` (every member service).
 */
export type Diffusion = { level: "service" } | { level: "restreint"; services: string[] } | { level: "cross" };

export const DEFAULT_DIFFUSION: Diffusion = { level: "cross" };

export function describeDiffusion(diffusion: Diffusion, serviceNames: (key: string) => string = (k) => k): string {
  if (diffusion.level === "cross") return "CROSS (tous les services membres)";
  if (diffusion.level === "service") return "service (votre service et le coordinateur)";
  return `restreinte : ${diffusion.services.map(serviceNames).join(", ")} (et le coordinateur)`;
}

export function diffusionCode(diffusion: Diffusion): string {
  return diffusion.level === "restreint" ? `restreint:${diffusion.services.join(",")}` : diffusion.level;
}

/** Parses `cross`, `service`, `restreint:douane,gir` (and forgiving variants) against the known services. */
export function parseDiffusion(
  text: string,
  knownServices: readonly string[],
): { ok: true; diffusion: Diffusion } | { ok: false; error: string } {
  const value = text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().trim();
  if (["cross", "tous", "toutes", "all", "large"].includes(value)) return { ok: true, diffusion: { level: "cross" } };
  if (["service", "serv", "interne", "moi"].includes(value)) return { ok: true, diffusion: { level: "service" } };
  // Longest spelling first: "restreinte:sr" is not "restreint" + "e:sr". Only services ("diff=douane,gir") is restricted too.
  const servicesOf = (text: string) =>
    text
      .split(/[\s,;+/()]+/)
      .filter((s) => s !== "" && s !== "et")
      .map((s) => (!knownServices.includes(s) && knownServices.includes(s.replace(/s$/, "")) ? s.replace(/s$/, "") : s));
  const onlyServices = servicesOf(value);
  const restricted =
    /^(restreinte|restreint|restr|r)\s*[:=]?\s*(.*)$/.exec(value) ??
    (onlyServices.length > 0 && onlyServices.every((s) => knownServices.includes(s)) ? ["", "", value] : null);
  if (restricted) {
    const services = servicesOf(restricted[2] ?? "");
    if (services.length === 0) {
      return { ok: false, error: `Diffusion restreinte : précisez les services, ex. diffusion=restreint:douane,gir.` };
    }
    const unknown = services.filter((s) => !knownServices.includes(s));
    if (unknown.length > 0) {
      return {
        ok: false,
        error: `Diffusion : service(s) inconnu(s) ${unknown.map((s) => `« ${s} »`).join(", ")}. Services : ${knownServices.join(", ")}.`,
      };
    }
    return { ok: true, diffusion: { level: "restreint", services: [...new Set(services)] } };
  }
  return {
    ok: false,
    error: `Diffusion non comprise : « ${text} ». Choix : cross (défaut), service, restreint:<services> (ex. restreint:douane,gir).`,
  };
}
