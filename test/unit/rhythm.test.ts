import { TZDate } from "@date-fns/tz";
import { describe, expect, it } from "vitest";
import type { Entity } from "../../src/core/fr/entities.js";
import { type Message, toHtml, toPlain } from "../../src/core/message.js";
import type { Credibility, Reliability } from "../../src/core/report/grading.js";
import { DEFAULT_FACT_TYPES } from "../../src/core/report/fact-types.js";
import type { Vocabulary } from "../../src/core/report/render.js";
import { buildAgenda, type AgendaInput } from "../../src/core/rhythm/agenda.js";
import { buildDigest, type DigestCommon, type DigestInput, MAX_LISTED, trend } from "../../src/core/rhythm/digest.js";
import { parsePeriod, previousPeriod } from "../../src/core/rhythm/period.js";
import { MAX_NOTABLE } from "../../src/core/rhythm/summary.js";
import { dueReminders, renderReminder } from "../../src/core/rhythm/reminders.js";
import { isLate, nextRuns } from "../../src/core/rhythm/schedule.js";
import type { Meeting, Period, RhythmAction, RhythmContext, RhythmMatch, RhythmReport } from "../../src/core/rhythm/types.js";

const TZ = "Europe/Paris";
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (iso: string): number => Date.parse(iso);
/** Monday 30 November 2026, 07:00 in Paris (UTC+1): the time of the weekly digest. */
const NOW = at("2026-11-30T06:00:00Z");
/** Thursday 26 November 2026, 21:07 in Paris. */
const THU = at("2026-11-26T20:07:00Z");

const vocabulary: Vocabulary = { timeZone: TZ, types: DEFAULT_FACT_TYPES, serviceName: (key) => key.toUpperCase() };
const ARRONDISSEMENTS: Record<string, string> = { "881": "Épinal", "882": "Neufchâteau", "883": "Saint-Dié-des-Vosges" };
const ctx = (now = NOW): RhythmContext => ({
  now,
  timeZone: TZ,
  vocabulary,
  arrondissementName: (code) => ARRONDISSEMENTS[code],
  cellName: "CROSS des Vosges",
});

const COMMUNES = {
  epinal: { code: "88160", nom: "Épinal", arr: "881" },
  golbey: { code: "88209", nom: "Golbey", arr: "881" },
  stdie: { code: "88413", nom: "Saint-Dié-des-Vosges", arr: "883" },
  vittel: { code: "88516", nom: "Vittel", arr: "882" },
};
const PLATE: Entity = { kind: "plate", value: "AB123CD", display: "AB-123-CD" };
const PHONE: Entity = { kind: "phone", value: "+33612345678", display: "06 12 34 56 78" };

function report(
  seq: number,
  o: {
    service: string;
    type: string;
    commune: keyof typeof COMMUNES;
    created: string;
    grade?: string;
    status?: "active" | "cancelled";
    entities?: Entity[];
  },
): RhythmReport {
  const c = COMMUNES[o.commune];
  const grade = o.grade ?? "C3";
  return {
    ref: `88-2026-${String(seq).padStart(4, "0")}`,
    service: o.service,
    status: o.status ?? "active",
    createdAt: at(o.created),
    arrondissement: c.arr,
    fields: {
      type: o.type,
      commune: { code: c.code, nom: c.nom },
      grade: { reliability: grade[0] as Reliability, credibility: Number(grade[1]) as Credibility },
      entities: o.entities ?? [],
    },
  };
}

// The week of 23-30 November 2026 …
const R1 = report(101, {
  service: "ddsp",
  type: "point_de_deal",
  commune: "epinal",
  created: "2026-11-24T10:00:00Z",
  grade: "B2",
  entities: [PLATE, PHONE],
});
const R2 = report(102, {
  service: "ggd",
  type: "point_de_deal",
  commune: "epinal",
  created: "2026-11-25T10:00:00Z",
  entities: [PLATE],
});
const R3 = report(103, { service: "ggd", type: "stockage", commune: "epinal", created: "2026-11-26T10:00:00Z", grade: "D4" });
const R4 = report(104, { service: "douane", type: "livraison", commune: "stdie", created: "2026-11-27T10:00:00Z" });
const R5 = report(105, {
  service: "ddsp",
  type: "livraison",
  commune: "stdie",
  created: "2026-11-28T09:00:00Z",
  grade: "A1",
  entities: [PHONE],
});
const R6 = report(106, { service: "ggd", type: "consommation", commune: "vittel", created: "2026-11-28T10:00:00Z" });
const R7 = report(107, {
  service: "ggd",
  type: "point_de_deal",
  commune: "golbey",
  created: "2026-11-29T10:00:00Z",
  status: "cancelled",
});
// … and the week before.
const P1 = report(90, { service: "ggd", type: "point_de_deal", commune: "epinal", created: "2026-11-17T10:00:00Z" });
const P2 = report(91, { service: "ddsp", type: "livraison", commune: "stdie", created: "2026-11-18T10:00:00Z" });
const P3 = report(92, { service: "ddsp", type: "livraison", commune: "stdie", created: "2026-11-19T10:00:00Z" });
const P4 = report(93, { service: "ddsp", type: "livraison", commune: "stdie", created: "2026-11-20T10:00:00Z" });

const CROSS_MATCH: RhythmMatch = {
  refs: ["88-2026-0102", "88-2026-0101"],
  entity: { kind: "plate", display: "AB-123-CD" },
  createdAt: R2.createdAt,
  crossService: true,
};
const SAME_SERVICE_MATCH: RhythmMatch = {
  refs: ["88-2026-0105", "88-2026-0101"],
  entity: { kind: "phone", display: "06 12 34 56 78" },
  createdAt: R5.createdAt,
  crossService: false,
};

function action(id: number, service: string, due: string, text: string, o: Partial<RhythmAction> = {}): RhythmAction {
  return { id, service, due: at(due), text, status: "open", ref: null, meetingId: 3, doneAt: null, ...o };
}
const A12 = action(12, "ddsp", "2026-11-27T17:00:00Z", "Identifier le véhicule AB-123-CD", { ref: "88-2026-0101" });
const A13 = action(13, "ggd", "2026-12-03T17:00:00Z", "Surveillance du point de deal rue Léo Valentin");
const A14 = action(14, "douane", "2026-12-20T17:00:00Z", "Contrôle renforcé gare de Saint-Dié");
const A15 = action(15, "sr", "2026-11-20T17:00:00Z", "Déjà fait", { status: "done", doneAt: at("2026-11-19T10:00:00Z") });

const WEEK = (): Period => {
  const parsed = parsePeriod("7j", NOW, TZ);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.period;
};
const digestInput = (over: Partial<DigestCommon> & { reports?: RhythmReport[] } = {}): DigestInput => ({
  period: WEEK(),
  reports: [R1, R2, R3, R4, R5, R6, R7],
  previousReports: [P1, P2, P3, P4],
  matches: [CROSS_MATCH, SAME_SERVICE_MATCH],
  actions: [A12, A13, A14, A15],
  tipsAwaiting: 3,
  ...over,
});

/** A busy week: 30 reports of one type in one commune, one a day apart by the hour. */
const BUSY = Array.from({ length: 30 }, (_, i) =>
  report(200 + i, {
    service: "ddsp",
    type: "point_de_deal",
    commune: "epinal",
    created: `2026-11-2${4 + Math.floor(i / 10)}T${String(8 + (i % 10)).padStart(2, "0")}:00:00Z`,
  }),
);
const plain = (m: Message) => toPlain(m);
const lines = (m: Message) => toPlain(m).split("\n");

describe("buildDigest", () => {
  it("headline: title, exact counts, hot spots with trends, on a phone screen", () => {
    const { headline } = buildDigest(digestInput(), ctx());
    expect(plain(headline)).toBe(
      [
        "Synthèse CROSS des Vosges — 7 jours",
        "📥 6 nouveaux renseignements · 🔗 1 recoupement inter-services",
        "📌 Actions : 1 en retard · 1 à échéance sous 7 jours",
        "📨 Signalements citoyens à trier : 3",
        "🔥 Points chauds : Épinal 3 (↑ +2) · Saint-Dié-des-Vosges 2 (↓ −1) · Vittel 1 (nouveau)",
        "Détail dans le fil.",
      ].join("\n"),
    );
    expect(lines(headline).length).toBeLessThanOrEqual(8);
  });

  it("detail: notable first, by type, by arrondissement and commune, matches, actions, withdrawn — each with refs", () => {
    const { detail } = buildDigest(digestInput(), ctx());
    expect(plain(detail)).toBe(
      [
        "Synthèse CROSS des Vosges — 7 jours",
        "Du lundi 23 novembre 2026 à 07:00 au lundi 30 novembre 2026 à 07:00.",
        "À signaler",
        "• 88-2026-0101 — Point de deal · Épinal · cotation B2 · recoupé",
        "• 88-2026-0102 — Point de deal · Épinal · cotation C3 · recoupé",
        "• 88-2026-0105 — Livraison / go-fast · Saint-Dié-des-Vosges · cotation A1 · recoupé",
        "Par type",
        "• Livraison / go-fast : 2 — 88-2026-0104, 88-2026-0105",
        "• Point de deal : 2 — 88-2026-0101, 88-2026-0102",
        "• Consommation : 1 — 88-2026-0106",
        "• Stockage : 1 — 88-2026-0103",
        "Par arrondissement et commune",
        "Arrondissement d'Épinal : 3",
        "• Épinal : 3 — 88-2026-0101, 88-2026-0102, 88-2026-0103",
        "Arrondissement de Neufchâteau : 1",
        "• Vittel : 1 — 88-2026-0106",
        "Arrondissement de Saint-Dié-des-Vosges : 2",
        "• Saint-Dié-des-Vosges : 2 — 88-2026-0104, 88-2026-0105",
        "Recoupements",
        "• 88-2026-0102 ↔ 88-2026-0101 — 🚗 AB-123-CD (inter-services)",
        "• 88-2026-0105 ↔ 88-2026-0101 — 📞 06 12 34 56 78 (même service)",
        "Actions en retard",
        "• n°12 · DDSP · échéance vendredi 27 novembre 2026 à 18:00 — Identifier le véhicule AB-123-CD — 88-2026-0101",
        "Actions à échéance sous 7 jours",
        "• n°13 · GGD · échéance jeudi 3 décembre 2026 à 18:00 — Surveillance du point de deal rue Léo Valentin",
        "Retirés (hors décompte) : 88-2026-0107",
      ].join("\n"),
    );
    // Refs are tappable code in the HTML body.
    expect(toHtml(detail)).toContain("<code>88-2026-0101</code>");
  });

  it("a busy line lists its most recent references, says how many older ones it leaves out", () => {
    const { detail } = buildDigest(digestInput({ reports: BUSY }), ctx());
    const byType = lines(detail).find((l) => l.startsWith("• Point de deal : 30 — "));
    expect(byType).toBeDefined();
    expect(byType?.match(/88-2026-\d{4}/g)).toHaveLength(MAX_LISTED);
    expect(byType).toContain("88-2026-0229");
    expect(byType).not.toContain("88-2026-0200");
    expect(byType).toMatch(/… et 18 plus anciens$/);
  });

  it("a week of many notable reports lists the most recent of them first, and says how many more", () => {
    const graded = BUSY.map((r) => ({
      ...r,
      fields: { ...r.fields, grade: { reliability: "A" as const, credibility: 1 as const } },
    }));
    const detail = lines(buildDigest(digestInput({ reports: graded, matches: [] }), ctx()).detail);
    const start = detail.indexOf("À signaler");
    const listed = detail.slice(start + 1, start + 1 + MAX_NOTABLE);
    expect(listed.every((l) => /^• 88-2026-\d{4} — Point de deal · Épinal · cotation A1$/.test(l))).toBe(true);
    expect(listed[0]).toContain(`88-2026-0${200 + 30 - MAX_NOTABLE}`);
    expect(listed.at(-1)).toContain("88-2026-0229");
    expect(detail[start + 1 + MAX_NOTABLE]).toBe(`… et ${30 - MAX_NOTABLE} plus anciens`);
    expect(detail[start + 2 + MAX_NOTABLE]).toBe("Par type");
  });

  it("a scheduled digest posted late says so, in both parts", () => {
    const late = buildDigest(digestInput({ late: { scheduledFor: NOW } }), ctx(NOW + 2 * HOUR));
    expect(lines(late.headline).slice(0, 2)).toEqual([
      "Synthèse CROSS des Vosges — 7 jours",
      "⏰ en retard, prévu le lundi 30 novembre 2026 à 07:00",
    ]);
    expect(plain(late.detail)).toContain("⏰ en retard, prévu le lundi 30 novembre 2026 à 07:00");
    expect(plain(buildDigest(digestInput(), ctx()).headline)).not.toContain("retard, prévu");
  });

  it("an empty period gives a short, clear message, not empty lists", () => {
    const { headline, detail } = buildDigest(
      digestInput({ reports: [], matches: [], actions: [], tipsAwaiting: null, previousReports: [P1] }),
      ctx(),
    );
    expect(plain(headline)).toBe(
      [
        "Synthèse CROSS des Vosges — 7 jours",
        "Aucun nouveau renseignement sur la période.",
        "📌 Actions : 0 en retard · 0 à échéance sous 7 jours",
        "Détail dans le fil.",
      ].join("\n"),
    );
    expect(plain(detail)).toBe(
      [
        "Synthèse CROSS des Vosges — 7 jours",
        "Du lundi 23 novembre 2026 à 07:00 au lundi 30 novembre 2026 à 07:00.",
        "Aucun nouveau renseignement sur la période.",
        "Actions : aucune en retard ni à échéance sous 7 jours.",
      ].join("\n"),
    );
  });

  it("a room whose input excludes a report never sees it, nor counts it", () => {
    // The policy removed 88-2026-0105 (and the match that involves it) for this room.
    const { headline, detail } = buildDigest(
      digestInput({ reports: [R1, R2, R3, R4, R6], matches: [CROSS_MATCH], tipsAwaiting: null }),
      ctx(),
    );
    for (const m of [headline, detail]) {
      expect(toPlain(m)).not.toContain("88-2026-0105");
      expect(toHtml(m)).not.toContain("88-2026-0105");
      expect(toPlain(m)).not.toContain("06 12 34 56 78");
    }
    expect(plain(headline)).toContain("📥 5 nouveaux renseignements");
    expect(plain(headline)).toContain("Saint-Dié-des-Vosges 1 (↓ −2)");
    expect(plain(headline)).not.toContain("Signalements citoyens");
    expect(plain(detail)).toContain("• Saint-Dié-des-Vosges : 1 — 88-2026-0104");
  });

  it("trend arrows", () => {
    expect([trend(3, 1), trend(1, 3), trend(2, 2), trend(2, 0), trend(0, 0)]).toEqual(["↑ +2", "↓ −2", "=", "nouveau", "="]);
  });
});

describe("parsePeriod", () => {
  const ok = (text: string, now = THU): Period => {
    const r = parsePeriod(text, now, TZ);
    if (!r.ok) throw new Error(r.error);
    return r.period;
  };
  const iso = (p: Period) => [new Date(p.from).toISOString(), new Date(p.to).toISOString(), p.label];

  it("durations: 24 h by default, hours, days in local calendar days", () => {
    for (const text of ["", "  ", "24h", "24 h", "24 heures"])
      expect(iso(ok(text))).toEqual(["2026-11-25T20:07:00.000Z", "2026-11-26T20:07:00.000Z", "24 h"]);
    expect(ok("48h")).toEqual({ from: THU - 48 * HOUR, to: THU, label: "48 h" });
    for (const text of ["7j", "7 j", "7 jours", "7 Jours"])
      expect(ok(text)).toEqual({ from: THU - 7 * DAY, to: THU, label: "7 jours" });
    expect(ok("1j").label).toBe("1 jour");
    // Across the October change, 10 days back keep the local clock (11:00): 241 hours, not 240.
    const afterDst = at("2026-11-02T10:00:00Z");
    expect(iso(ok("10j", afterDst))).toEqual(["2026-10-23T09:00:00.000Z", "2026-11-02T10:00:00.000Z", "10 jours"]);
  });

  it("semaine and mois start at local midnight, also across DST", () => {
    expect(iso(ok("semaine"))).toEqual(["2026-11-22T23:00:00.000Z", "2026-11-26T20:07:00.000Z", "semaine en cours"]);
    expect(ok("cette semaine").from).toBe(at("2026-11-22T23:00:00Z"));
    expect(iso(ok("mois"))).toEqual(["2026-10-31T23:00:00.000Z", "2026-11-26T20:07:00.000Z", "mois en cours"]);
    const tuesdayAfterDst = at("2026-10-27T10:00:00Z");
    expect(ok("semaine", tuesdayAfterDst).from).toBe(at("2026-10-25T23:00:00Z")); // Monday 26 Oct 00:00 CET
    expect(ok("mois", tuesdayAfterDst).from).toBe(at("2026-09-30T22:00:00Z")); // 1 Oct 00:00 CEST
  });

  it("depuis <date>: from that day's local midnight", () => {
    expect(iso(ok("depuis 12/11"))).toEqual(["2026-11-11T23:00:00.000Z", "2026-11-26T20:07:00.000Z", "depuis le 12/11"]);
    expect(ok("depuis le 12/11/2026")).toEqual({ from: at("2026-11-11T23:00:00Z"), to: THU, label: "depuis le 12/11" });
    expect(ok("depuis 12/12/2025")).toEqual({ from: at("2025-12-11T23:00:00Z"), to: THU, label: "depuis le 12/12/2025" });
    expect(ok("depuis hier")).toEqual({ from: at("2026-11-24T23:00:00Z"), to: THU, label: "depuis le 25/11" });
    expect(ok("Depuis lundi")).toEqual({ from: at("2026-11-22T23:00:00Z"), to: THU, label: "depuis le 23/11" });
    expect(ok("depuis hier 18h")).toEqual({ from: at("2026-11-25T17:00:00Z"), to: THU, label: "depuis le 25/11 à 18:00" });
    // On a Monday, "depuis lundi" is today: the most recent Monday that has begun.
    expect(ok("depuis lundi", NOW).from).toBe(at("2026-11-29T23:00:00Z"));
    // A summer day is midnight CEST.
    expect(ok("depuis 12/10").from).toBe(at("2026-10-11T22:00:00Z"));
  });

  it("errors are French and give examples", () => {
    const err = (text: string) => {
      const r = parsePeriod(text, THU, TZ);
      if (r.ok) throw new Error(`accepted: ${text}`);
      return r.error;
    };
    expect(err("bientôt")).toBe(
      "Période non comprise : « bientôt ». Exemples : !digest (24 h), !digest 48h, !digest 7j, !digest semaine, !digest mois, !digest depuis 12/11.",
    );
    expect(err("0j")).toBe("Durée impossible : « 0j ». De 1 à 366 jours (ex. 7j).");
    expect(err("400 jours")).toMatch(/^Durée impossible/);
    expect(err("1000h")).toMatch(/^Durée impossible : « 1000h »\. De 1 à 744 heures/);
    expect(err("depuis")).toBe(
      "Date manquante après « depuis ». Exemples : depuis 12/11, depuis 12/11/2026, depuis hier, depuis lundi.",
    );
    expect(err("depuis 32/11")).toBe(
      "Date non comprise ou à venir : « 32/11 ». Exemples : depuis 12/11, depuis 12/11/2026, depuis hier, depuis lundi.",
    );
    expect(err("depuis 28/11")).toMatch(/^Date non comprise ou à venir : « 28\/11 »/); // in two days
    expect(err("depuis 12/11/2020")).toBe("« 12/11/2020 » remonte à plus d'un an : choisissez une date plus récente.");
  });

  it("previousPeriod: same length, just before", () => {
    const week = WEEK();
    const prev = previousPeriod(week);
    expect(prev.to).toBe(week.from);
    expect(prev.to - prev.from).toBe(week.to - week.from);
  });
});

describe("buildAgenda", () => {
  const MEETING: Meeting = {
    id: 4,
    at: at("2026-12-01T13:00:00Z"),
    place: "Groupement de gendarmerie, Épinal",
    status: "scheduled",
    minutes: null,
  };
  const SINCE = at("2026-11-17T13:00:00Z");
  const OLD = report(80, { service: "ggd", type: "culture", commune: "golbey", created: "2026-11-10T10:00:00Z" });
  const TITLE = "Ordre du jour — réunion du mardi 1er décembre 2026 à 14:00, Groupement de gendarmerie, Épinal";
  const input = (over: Partial<AgendaInput> = {}): AgendaInput => ({
    meeting: MEETING,
    since: SINCE,
    reports: [OLD, R1, R2, R3, R4, R5, R6],
    matches: [CROSS_MATCH, SAME_SERVICE_MATCH],
    actions: [A13, A12],
    carried: [{ id: 7, text: "Point sur le squat rue des Forges", carriedFrom: 3 }],
    added: [{ id: 9, text: "Présentation du plan départemental par la préfecture", carriedFrom: null }],
    tipsToDecide: 2,
    previousPeriodReports: [P1, P2, P3, P4],
    ...over,
  });
  /** The detail lines of section n, heading included. */
  const section = (m: Message, n: number): string[] => {
    const all = lines(m);
    const start = all.findIndex((l) => l.startsWith(`${n}. `));
    const end = all.findIndex((l, i) => i > start && /^\d\. /.test(l));
    return all.slice(start, end === -1 ? undefined : end);
  };

  it("lists at most a line's worth of references per type, the most recent, with their communes", () => {
    const { detail } = buildAgenda(input({ reports: BUSY }), ctx());
    const deals = lines(detail).find((l) => l.includes("Point de deal : 30 — "));
    expect(deals?.match(/88-2026-\d{4} \(Épinal\)/g)).toHaveLength(MAX_LISTED);
    expect(deals).toMatch(/… et 18 plus anciens$/);
  });

  it("headline: title and the count of every section", () => {
    expect(plain(buildAgenda(input(), ctx()).headline)).toBe(
      [
        TITLE,
        "1. Nouveaux renseignements : 6",
        "2. Recoupements inter-services : 1",
        "3. Signalements citoyens à trancher : 2",
        "4. Actions en cours : 2 dont 1 en retard",
        "5. Points reportés : 1",
        "6. Points ajoutés : 1",
        "7. Propositions de stratégie : 4",
        "Détail dans le fil.",
      ].join("\n"),
    );
  });

  it("detail: each item in its section", () => {
    const { detail } = buildAgenda(input(), ctx());
    expect(lines(detail).slice(0, 2)).toEqual([TITLE, "Depuis le mardi 17 novembre 2026 à 14:00."]);
    expect(section(detail, 1)).toEqual([
      "1. Nouveaux renseignements : 6",
      "Arrondissement d'Épinal : 3",
      "• Point de deal : 2 — 88-2026-0101 (Épinal), 88-2026-0102 (Épinal)",
      "• Stockage : 1 — 88-2026-0103 (Épinal)",
      "Arrondissement de Neufchâteau : 1",
      "• Consommation : 1 — 88-2026-0106 (Vittel)",
      "Arrondissement de Saint-Dié-des-Vosges : 2",
      "• Livraison / go-fast : 2 — 88-2026-0104 (Saint-Dié-des-Vosges), 88-2026-0105 (Saint-Dié-des-Vosges)",
    ]);
    expect(section(detail, 2)).toEqual(["2. Recoupements inter-services : 1", "• 88-2026-0102 ↔ 88-2026-0101 — 🚗 AB-123-CD"]);
    expect(section(detail, 3)).toEqual(["3. Signalements citoyens à trancher : 2"]);
    expect(section(detail, 4)).toEqual([
      "4. Actions en cours : 2 dont 1 en retard",
      "• n°12 · DDSP · échéance vendredi 27 novembre 2026 à 18:00 — Identifier le véhicule AB-123-CD — 88-2026-0101 (en retard)",
      "• n°13 · GGD · échéance jeudi 3 décembre 2026 à 18:00 — Surveillance du point de deal rue Léo Valentin",
    ]);
    expect(section(detail, 5)).toEqual(["5. Points reportés : 1", "• Point sur le squat rue des Forges (reporté)"]);
    expect(section(detail, 6)).toEqual(["6. Points ajoutés : 1", "• Présentation du plan départemental par la préfecture"]);
    expect(section(detail, 7)).toEqual([
      "7. Propositions de stratégie : 4",
      "• 📈 Épinal : 3 renseignements contre 1 sur la période précédente — point chaud en hausse, à cibler : 88-2026-0101, 88-2026-0102, 88-2026-0103",
      "• 🔁 🚗 AB-123-CD : 2 renseignements, 2 services — entité récurrente, à approfondir : 88-2026-0101, 88-2026-0102",
      "• 🔁 📞 06 12 34 56 78 : 2 renseignements — entité récurrente, à approfondir : 88-2026-0101, 88-2026-0105",
      "• 📊 Point de deal : 2 contre 1 sur la période précédente — type de fait en hausse : 88-2026-0101, 88-2026-0102",
    ]);
    // A report from before the previous meeting is not new.
    expect(plain(detail)).not.toContain("88-2026-0080");
  });

  it("empty sections say « rien » and keep their number", () => {
    const empty = buildAgenda(
      input({
        reports: [],
        matches: [],
        actions: [],
        carried: [],
        added: [],
        tipsToDecide: null,
        previousPeriodReports: [],
        meeting: { ...MEETING, place: null },
      }),
      ctx(),
    );
    const title = "Ordre du jour — réunion du mardi 1er décembre 2026 à 14:00";
    const sections = [
      "1. Nouveaux renseignements : rien",
      "2. Recoupements inter-services : rien",
      "3. Signalements citoyens à trancher : suivis par la coordination",
      "4. Actions en cours : rien",
      "5. Points reportés : rien",
      "6. Points ajoutés : rien",
      "7. Propositions de stratégie : rien",
    ];
    expect(plain(empty.headline)).toBe([title, ...sections, "Détail dans le fil."].join("\n"));
    expect(plain(empty.detail)).toBe([title, "Depuis le mardi 17 novembre 2026 à 14:00.", ...sections].join("\n"));
    expect(lines(buildAgenda(input({ tipsToDecide: 0 }), ctx()).headline)).toContain(
      "3. Signalements citoyens à trancher : rien",
    );
  });
});

describe("reminders", () => {
  /** Due Thursday 3 December 2026 at 18:00 in Paris. */
  const A = action(12, "ddsp", "2026-12-03T17:00:00Z", "Identifier le véhicule AB-123-CD", { ref: "88-2026-0101" });
  const opts = { daysBefore: 2 };
  const kinds = (now: number, sent: string[] = [], actions = [A]) =>
    dueReminders(actions, new Set(sent), now, opts).map((r) => r.key);

  it("one reminder before, from daysBefore days ahead, while the due date has not passed", () => {
    expect(kinds(NOW)).toEqual([]);
    expect(kinds(at("2026-12-01T16:59:00Z"))).toEqual([]);
    expect(kinds(at("2026-12-01T17:00:00Z"))).toEqual(["before:12"]);
    expect(kinds(at("2026-12-03T17:00:00Z"))).toEqual(["before:12"]); // the due minute itself is not late yet
  });

  it("one overdue reminder once the due date has passed, and never twice", () => {
    expect(kinds(at("2026-12-02T09:00:00Z"), ["before:12"])).toEqual([]);
    expect(kinds(at("2026-12-03T17:01:00Z"), ["before:12"])).toEqual(["overdue:12"]);
    expect(kinds(at("2026-12-10T09:00:00Z"), ["before:12", "overdue:12"])).toEqual([]);
    // A bot down through the whole window sends only the overdue one: "before" after the fact is noise.
    expect(kinds(at("2026-12-10T09:00:00Z"))).toEqual(["overdue:12"]);
  });

  it("done actions are skipped", () => {
    const done = { ...A, status: "done" as const, doneAt: at("2026-12-01T10:00:00Z") };
    expect(kinds(at("2026-12-02T09:00:00Z"), [], [done])).toEqual([]);
    expect(kinds(at("2026-12-10T09:00:00Z"), [], [done, A15])).toEqual([]);
  });

  it("days before are local calendar days across DST", () => {
    // Due Tuesday 27 October 2026 09:00 CET; 3 days before is Saturday 24 October 09:00 CEST (07:00 UTC), 73 h earlier.
    const b = action(20, "ggd", "2026-10-27T08:00:00Z", "x");
    expect(dueReminders([b], new Set(), at("2026-10-24T06:59:00Z"), { daysBefore: 3 })).toEqual([]);
    expect(dueReminders([b], new Set(), at("2026-10-24T07:00:00Z"), { daysBefore: 3 }).map((r) => r.kind)).toEqual(["before"]);
  });

  it("renders in French, with the command to close", () => {
    const [before] = dueReminders([A], new Set(), at("2026-12-02T09:00:00Z"), opts);
    const [overdue] = dueReminders([A], new Set(), at("2026-12-04T09:00:00Z"), opts);
    if (!before || !overdue) throw new Error("missing reminder");
    expect(plain(renderReminder(before, ctx()))).toBe(
      [
        "⏰ Action n°12 (DDSP) à échéance le jeudi 3 décembre 2026 à 18:00 : Identifier le véhicule AB-123-CD",
        "Renseignement : 88-2026-0101 — détail : !voir 88-2026-0101",
        "Une fois l'action réalisée, tapez !fait 12.",
      ].join("\n"),
    );
    expect(lines(renderReminder(overdue, ctx()))[0]).toBe(
      "⚠️ Action n°12 (DDSP) en retard depuis le jeudi 3 décembre 2026 à 18:00 : Identifier le véhicule AB-123-CD",
    );
    const html = toHtml(renderReminder({ action: { ...A, text: "<script>x</script>", ref: null }, kind: "before" }, ctx()));
    expect(html).toContain("&lt;script&gt;");
    expect(html).not.toContain("Renseignement");
  });
});

describe("schedule", () => {
  const local = (ms: number) => {
    const d = new TZDate(ms, TZ);
    const p = (n: number) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
  };
  const utc = (runs: number[]) => runs.map((r) => new Date(r).toISOString());

  it("0 7 * * *: one run per local day at 07:00, the UTC instant shifting at both changes", () => {
    const spring = nextRuns("0 7 * * *", TZ, at("2026-03-27T12:00:00Z"), 4);
    expect(utc(spring)).toEqual([
      "2026-03-28T06:00:00.000Z",
      "2026-03-29T05:00:00.000Z",
      "2026-03-30T05:00:00.000Z",
      "2026-03-31T05:00:00.000Z",
    ]);
    expect(spring.map(local)).toEqual(["2026-03-28 07:00", "2026-03-29 07:00", "2026-03-30 07:00", "2026-03-31 07:00"]);
    const autumn = nextRuns("0 7 * * *", TZ, at("2026-10-23T12:00:00Z"), 4);
    expect(utc(autumn)).toEqual([
      "2026-10-24T05:00:00.000Z",
      "2026-10-25T06:00:00.000Z",
      "2026-10-26T06:00:00.000Z",
      "2026-10-27T06:00:00.000Z",
    ]);
    expect(autumn.map(local)).toEqual(["2026-10-24 07:00", "2026-10-25 07:00", "2026-10-26 07:00", "2026-10-27 07:00"]);
  });

  it("0 7 * * * over a month around each change: all at 07:00 local, exactly one per day", () => {
    for (const start of ["2026-03-14T12:00:00Z", "2026-10-10T12:00:00Z"]) {
      const runs = nextRuns("0 7 * * *", TZ, at(start), 31);
      expect(new Set(runs.map((r) => local(r).slice(0, 10))).size).toBe(31);
      expect(runs.every((r) => local(r).endsWith(" 07:00"))).toBe(true);
    }
  });

  it("30 2 * * *: on 29 March 02:30 does not exist — it runs once, at 03:30 CEST (not skipped)", () => {
    const runs = nextRuns("30 2 * * *", TZ, at("2026-03-27T12:00:00Z"), 4);
    expect(utc(runs)).toEqual([
      "2026-03-28T01:30:00.000Z",
      "2026-03-29T01:30:00.000Z",
      "2026-03-30T00:30:00.000Z",
      "2026-03-31T00:30:00.000Z",
    ]);
    expect(runs.map(local)).toEqual(["2026-03-28 02:30", "2026-03-29 03:30", "2026-03-30 02:30", "2026-03-31 02:30"]);
  });

  it("30 2 * * *: on 25 October 02:30 happens twice — it runs once, at the first (CEST) one", () => {
    const runs = nextRuns("30 2 * * *", TZ, at("2026-10-23T12:00:00Z"), 4);
    expect(utc(runs)).toEqual([
      "2026-10-24T00:30:00.000Z",
      "2026-10-25T00:30:00.000Z",
      "2026-10-26T01:30:00.000Z",
      "2026-10-27T01:30:00.000Z",
    ]);
    expect(utc(runs)).not.toContain("2026-10-25T01:30:00.000Z"); // the second 02:30 (CET)
    expect(new Set(runs.map((r) => local(r).slice(0, 10))).size).toBe(4);
    // Starting between the two 02:30s does not produce the second one either.
    expect(utc(nextRuns("30 2 * * *", TZ, at("2026-10-25T00:45:00Z"), 1))).toEqual(["2026-10-26T01:30:00.000Z"]);
  });

  it("0 8 * * 1: weekly on Monday at 08:00 local across both changes", () => {
    expect(utc(nextRuns("0 8 * * 1", TZ, at("2026-03-16T12:00:00Z"), 3))).toEqual([
      "2026-03-23T07:00:00.000Z",
      "2026-03-30T06:00:00.000Z",
      "2026-04-06T06:00:00.000Z",
    ]);
    const autumn = nextRuns("0 8 * * 1", TZ, at("2026-10-13T12:00:00Z"), 3);
    expect(utc(autumn)).toEqual(["2026-10-19T06:00:00.000Z", "2026-10-26T07:00:00.000Z", "2026-11-02T07:00:00.000Z"]);
    expect(autumn.map(local)).toEqual(["2026-10-19 08:00", "2026-10-26 08:00", "2026-11-02 08:00"]);
  });

  it("runs are strictly after `after`; an invalid expression throws", () => {
    expect(utc(nextRuns("0 7 * * *", TZ, at("2026-03-28T06:00:00Z"), 1))).toEqual(["2026-03-29T05:00:00.000Z"]);
    expect(() => nextRuns("tous les jours", TZ, NOW, 1)).toThrow();
  });

  it("isLate: beyond the grace period only", () => {
    expect(isLate(NOW, NOW + 5 * 60_000, 10 * 60_000)).toBe(false);
    expect(isLate(NOW, NOW + 10 * 60_000, 10 * 60_000)).toBe(false);
    expect(isLate(NOW, NOW + 10 * 60_000 + 1, 10 * 60_000)).toBe(true);
  });
});
