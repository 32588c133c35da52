import { extractEntities, normalisePhone, normalisePlate } from "../fr/entities.js";
import { parseWhen } from "../fr/when.js";
import type { CaptureContext } from "./fields.js";
import { matchFactType } from "./fact-types.js";

/** What the store searches on; every condition optional. */
export interface SearchQuery {
  terms: string[];
  entities: { kind: string; value: string }[];
  communeCode?: string;
  type?: string;
  service?: string;
  /** Observed at or after (ms). */
  since?: number;
}

export interface ParsedSearch extends SearchQuery {
  problems: string[];
}

/** More terms make no better search, and SQLite refuses very large expressions: say so instead. */
export const MAX_SEARCH_TERMS = 10;

const DURATION = /^(\d+)\s*(h|heures?|j|jours?|sem|semaines?|mois)$/;
const UNIT_MS: Record<string, number> = { h: 3600_000, j: 86_400_000, sem: 7 * 86_400_000, mois: 30 * 86_400_000 };

/**
 * `!cherche AB123CD commune:epinal type:deal depuis:7j service:ddsp texte…`: filters, plus terms.
 * A plate or a phone typed in any format is searched by its normalised value.
 */
export function parseSearch(text: string, ctx: CaptureContext): ParsedSearch {
  const result: ParsedSearch = { terms: [], entities: [], problems: [] };
  const words: string[] = [];
  for (const token of text
    .replace(/[\u00a0\u202f]/g, " ")
    .split(/\s+/)
    .filter(Boolean)) {
    const filter = /^(commune|type|depuis|service):(.+)$/i.exec(token);
    if (!filter) {
      words.push(token);
      continue;
    }
    const [, name = "", value = ""] = filter;
    applyFilter(name.toLowerCase(), value, result, ctx);
  }
  if (words.length > MAX_SEARCH_TERMS) {
    result.problems.push(
      `Trop de mots (${words.length}) : ${MAX_SEARCH_TERMS} au plus. Gardez les plus parlants, ex. !cherche parking gare commune:epinal.`,
    );
    return result;
  }
  const rest = words.join(" ");
  const whole = [normalisePlate(rest), normalisePhone(rest)].find((r) => r.ok);
  const found = whole?.ok ? [whole.entity] : extractEntities(rest);
  result.entities = found.map((e) => ({ kind: e.kind, value: e.value }));
  if (found.length === 0) result.terms = words.filter((w) => w.length >= 2);
  return result;
}

function applyFilter(name: string, value: string, result: ParsedSearch, ctx: CaptureContext): void {
  if (name === "commune") {
    const match = ctx.communes.resolve(value.replace(/[-_]/g, " "));
    if (match.ok) result.communeCode = match.commune.code;
    else result.problems.push(match.error);
  } else if (name === "type") {
    const match = matchFactType(value, ctx.types);
    if (match.ok) result.type = match.type.key;
    else result.problems.push(match.error);
  } else if (name === "service") {
    if (ctx.services.includes(value.toLowerCase())) result.service = value.toLowerCase();
    else result.problems.push(`Service inconnu « ${value} » (services : ${ctx.services.join(", ")}).`);
  } else {
    const duration = DURATION.exec(value.toLowerCase());
    if (duration) {
      const unit = duration[2]?.startsWith("sem")
        ? "sem"
        : duration[2]?.startsWith("mois")
          ? "mois"
          : duration[2]?.startsWith("h")
            ? "h"
            : "j";
      result.since = ctx.now.getTime() - Number(duration[1]) * (UNIT_MS[unit] ?? 0);
      return;
    }
    const when = parseWhen(value.replace(/_/g, " "), ctx.now, { timeZone: ctx.timeZone, maxAgeDays: 3660 });
    if (when.ok) result.since = when.at.getTime();
    else result.problems.push(`depuis : ${when.error}`);
  }
}
