import { describe, expect, it } from "vitest";
import { toHtml, toPlain } from "../../src/core/message.js";
import { renderCard, renderPending, type TipView } from "../../src/core/tips/card.js";
import { checkAnswer, checkForm, cleanText, type RawForm } from "../../src/core/tips/form.js";
import { hintsFor, similar } from "../../src/core/tips/hints.js";
import { cleanImage, sniffImage } from "../../src/core/tips/image.js";
import { formatReceipt, parseReceipt, receiptFromBytes } from "../../src/core/tips/receipt.js";
import type { TipFields } from "../../src/core/tips/wire.js";
import { formPage, questionsPage } from "../../src/tips/pages.js";
import { RateLimiter } from "../../src/tips/rate-limit.js";

const epinal = (text: string) =>
  /^[ée]pinal$/i.test(text.trim())
    ? ({ ok: true, code: "88160", nom: "Épinal" } as const)
    : ({ ok: false, error: "Commune inconnue." } as const);

const form = (over: Partial<RawForm> = {}): RawForm => ({
  commune: "Epinal",
  lieu: "rue de la Gare",
  nature: "point_de_deal",
  quand: "tous les soirs",
  personnes: "3",
  vehicules: "Clio grise AB-123-CD",
  description: "Des jeunes vendent devant le hall 4.",
  contact: "",
  ...over,
});

const fields = (over: Partial<TipFields> = {}): TipFields => ({
  communeCode: "88160",
  communeNom: "Épinal",
  place: "rue de la Gare",
  kind: "point_de_deal",
  when: "",
  people: null,
  vehicles: "",
  description: "Des jeunes vendent devant le hall 4 tous les soirs.",
  contact: "",
  ...over,
});

describe("the tip form's checks", () => {
  it("accepts a complete form and maps plain words to the fact type", () => {
    const checked = checkForm(form(), epinal);
    expect(checked).toEqual({
      ok: true,
      fields: expect.objectContaining({
        communeCode: "88160",
        communeNom: "Épinal",
        kind: "point_de_deal",
        people: 3,
      }) as unknown,
    });
  });

  it("lists every problem in French", () => {
    const checked = checkForm(form({ commune: "Paris", nature: "", description: "vu", personnes: "trois" }), epinal);
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(Object.keys(checked.errors).sort()).toEqual(["commune", "description", "nature", "personnes"]);
    expect(checked.errors.personnes).toContain("nombre");
  });

  it("refuses over-long fields with the limit", () => {
    const checked = checkForm(form({ lieu: "x".repeat(201) }), epinal);
    expect(!checked.ok && checked.errors.lieu).toContain("200 caractères");
  });

  it("drops control and bidi characters but keeps line breaks in the description", () => {
    expect(cleanText("a\u0000b\u202ec", false)).toBe("abc");
    expect(cleanText("un\r\n\r\n\r\n\r\ndeux", true)).toBe("un\n\ndeux");
    expect(checkAnswer("   ")).toEqual({ ok: false, error: expect.stringContaining("réponse") as unknown });
  });
});

describe("receipt codes", () => {
  it("are 16 digits with a check digit that catches a typo", () => {
    const receipt = receiptFromBytes(Uint8Array.from({ length: 15 }, (_, i) => i * 17));
    expect(receipt).toMatch(/^\d{16}$/);
    expect(parseReceipt(formatReceipt(receipt))).toEqual({ ok: true, receipt });
    const typo = receipt.slice(0, 3) + String((Number(receipt[3]) + 1) % 10) + receipt.slice(4);
    expect(parseReceipt(typo)).toEqual({ ok: false, error: expect.stringContaining("faute de frappe") as unknown });
    expect(parseReceipt("1234")).toEqual({ ok: false, error: expect.stringContaining("16 chiffres") as unknown });
  });
});

/** A minimal JPEG: SOI, APP1 Exif with a GPS IFD (48°10'20" N, 6°27'0" E), a COM, then SOS and EOI. */
function jpegWithGps(): Buffer {
  const tiff = Buffer.alloc(200);
  tiff.write("II", 0, "latin1");
  tiff.writeUInt16LE(42, 2);
  tiff.writeUInt32LE(8, 4); // IFD0 at 8
  tiff.writeUInt16LE(1, 8); // one entry
  tiff.writeUInt16LE(0x8825, 10);
  tiff.writeUInt16LE(4, 12);
  tiff.writeUInt32LE(1, 14);
  tiff.writeUInt32LE(26, 18); // GPS IFD at 26
  tiff.writeUInt32LE(0, 22);
  const entries: [number, number, number, number][] = [
    [1, 2, 2, "N".charCodeAt(0)],
    [2, 5, 3, 100],
    [3, 2, 2, "E".charCodeAt(0)],
    [4, 5, 3, 124],
  ];
  tiff.writeUInt16LE(entries.length, 26);
  entries.forEach(([tag, type, count, value], i) => {
    const at = 28 + i * 12;
    tiff.writeUInt16LE(tag, at);
    tiff.writeUInt16LE(type, at + 2);
    tiff.writeUInt32LE(count, at + 4);
    tiff.writeUInt32LE(value, at + 8);
  });
  const rationals = (at: number, values: number[]) =>
    values.forEach((v, i) => (tiff.writeUInt32LE(v, at + i * 8), tiff.writeUInt32LE(1, at + i * 8 + 4)));
  rationals(100, [48, 10, 20]);
  rationals(124, [6, 27, 0]);
  const exif = Buffer.concat([Buffer.from("Exif\0\0", "latin1"), tiff]);
  const segment = (marker: number, body: Buffer) => {
    const head = Buffer.from([0xff, marker, 0, 0]);
    head.writeUInt16BE(body.length + 2, 2);
    return Buffer.concat([head, body]);
  };
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xe0, Buffer.from("JFIF\0\x01\x01\0\0\x01\0\x01\0\0", "latin1")),
    segment(0xe1, exif),
    segment(0xfe, Buffer.from("Appareil de M. Dupont", "latin1")),
    segment(0xda, Buffer.from([0, 1, 2])),
    Buffer.from([0x11, 0x22, 0xff, 0xd9]),
  ]);
}

describe("photo metadata", () => {
  it("strips EXIF (GPS, camera) and comments from a JPEG", () => {
    const cleaned = cleanImage(jpegWithGps(), false);
    expect(cleaned.ok).toBe(true);
    if (!cleaned.ok) return;
    expect(cleaned.bytes.includes(Buffer.from("Exif"))).toBe(false);
    expect(cleaned.bytes.includes(Buffer.from("Dupont"))).toBe(false);
    expect(cleaned.bytes.includes(Buffer.from("JFIF"))).toBe(true);
    expect(cleaned.position).toBeNull();
  });

  it("keeps only the position when the citizen asks, still without the EXIF block", () => {
    const cleaned = cleanImage(jpegWithGps(), true);
    expect(cleaned.ok && cleaned.position).toEqual({ latitude: 48.172222, longitude: 6.45 });
    expect(cleaned.ok && cleaned.bytes.includes(Buffer.from("Exif"))).toBe(false);
  });

  it("strips PNG text chunks and refuses what is not an image", () => {
    const chunk = (type: string, data: Buffer) => {
      const head = Buffer.alloc(8);
      head.writeUInt32BE(data.length, 0);
      head.write(type, 4, "latin1");
      return Buffer.concat([head, data, Buffer.alloc(4)]);
    };
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk("IHDR", Buffer.alloc(13)),
      chunk("tEXt", Buffer.from("Author\0Jean Martin", "latin1")),
      chunk("IDAT", Buffer.alloc(10)),
      chunk("IEND", Buffer.alloc(0)),
    ]);
    const cleaned = cleanImage(png, false);
    expect(cleaned.ok && cleaned.mimetype).toBe("image/png");
    expect(cleaned.ok && cleaned.bytes.includes(Buffer.from("Jean Martin"))).toBe(false);
    expect(sniffImage(Buffer.from("<svg onload=alert(1)>"))).toBeNull();
    expect(cleanImage(Buffer.from("%PDF-1.4 ..."), false)).toEqual({
      ok: false,
      error: expect.stringContaining("JPEG, PNG ou WebP") as unknown,
    });
    expect(cleanImage(Buffer.from([0xff, 0xd8, 0xff, 0xe1, 0xff, 0xff]), false).ok).toBe(false);
  });
});

describe("hints", () => {
  const tip = { number: 5, receivedAt: Date.UTC(2026, 10, 20), fields: fields({ vehicles: "Clio AB-123-CD" }) };

  it("finds reports sharing the place or a plate, other tips on the place, and a likely duplicate", () => {
    const hints = hintsFor(
      tip,
      [
        { ref: "88-2026-0001", communeCode: "88160", place: "Rue de la gare", entities: [] },
        {
          ref: "88-2026-0002",
          communeCode: "88000",
          place: null,
          entities: [{ kind: "plate", value: "AB-123-CD", display: "AB-123-CD" }],
        },
        { ref: "88-2026-0003", communeCode: "88160", place: "avenue Gambetta", entities: [] },
      ],
      [
        {
          number: 2,
          receivedAt: tip.receivedAt - 86_400_000,
          status: "pending",
          fields: fields({ description: "Des jeunes vendent devant le hall 4 tous les soir." }),
        },
        {
          number: 3,
          receivedAt: tip.receivedAt - 86_400_000,
          status: "accepted",
          fields: fields({ kind: "nuisances", description: "bruit" }),
        },
        { number: 4, receivedAt: tip.receivedAt, status: "rejected", fields: fields() },
      ],
    );
    expect(hints.reports.map((r) => r.ref)).toEqual(["88-2026-0001", "88-2026-0002"]);
    expect(hints.reports[1]?.why).toContain("AB-123-CD");
    expect(hints.sameplace).toEqual([2, 3]);
    expect(hints.duplicateOf).toBe(2);
    expect(similar("abc", "xyz")).toBe(false);
  });
});

describe("the triage card", () => {
  const view: TipView = {
    number: 7,
    receivedAt: Date.UTC(2026, 10, 20, 20, 0),
    status: "pending",
    pow: false,
    fields: fields({ description: '<script>alert("x")</script>\nligne 2', contact: "<b>06</b>" }),
    photo: true,
    position: null,
  };
  const ctx = { timeZone: "Europe/Paris", typeLabel: (k: string) => (k === "point_de_deal" ? "Point de deal" : k) };

  it("says unverified F6, escapes what the citizen typed, and offers the decisions", () => {
    const card = renderCard(view, { reports: [], sameplace: [], duplicateOf: 3 }, ctx);
    const plain = toPlain(card);
    expect(plain).toContain("Signalement citoyen n° 7 — non vérifié (cotation F6)");
    expect(plain).toContain("Doublon probable du signalement n° 3");
    expect(plain).toContain("sans preuve de travail");
    expect(plain).toContain("!tri accepter 7");
    const html = toHtml(card);
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;");
    expect(html).not.toContain("<b>06</b>");
  });

  it("lists pending tips oldest first with a short excerpt", () => {
    expect(toPlain(renderPending([], ctx, 0))).toContain("Aucun signalement");
    expect(toPlain(renderPending([view], ctx, 1))).toContain("n° 7");
  });
});

describe("the citizen's pages", () => {
  const ctx = { cellName: "CROSS des Vosges", communes: ["Épinal"], maxPhotoMb: 5, nojsLimit: { max: 2, perHours: 1 } };

  it("escape every value and say it is not an emergency number", () => {
    const page = formPage(ctx, {
      values: { commune: '"><script>alert(1)</script>', description: "</textarea><img src=x onerror=alert(1)>" },
      errors: { commune: "<i>inconnue</i>" },
      challenge: '{"a":"<"}',
      token: "0".repeat(32),
    });
    expect(page).not.toMatch(/<script>alert|<img src=x|<i>inconnue/);
    expect(page).toContain("17");
    expect(page).toContain("112");
    expect(page).not.toMatch(/<script>(?!<\/script>)[^<]/); // no inline script
    expect(page).not.toContain("style=");
    const questions = questionsPage(ctx, {
      receipt: "1".repeat(16),
      token: "0".repeat(32),
      view: { questions: [{ id: 1, text: "<script>x</script>", askedAt: 0, answered: false }], closed: false },
    });
    expect(questions).toContain("&lt;script&gt;x");
  });
});

describe("rate limiting", () => {
  it("counts every hit in the window and says how long to wait", () => {
    const limiter = new RateLimiter(5, 600_000);
    for (let i = 0; i < 5; i++) expect(limiter.hit("k", 1000 + i)).toBe(0);
    expect(limiter.hit("k", 2000)).toBeGreaterThan(590);
    expect(limiter.hit("other", 2000)).toBe(0);
    expect(limiter.hit("k", 1000 + 600_001 + 5)).toBe(0);
  });
});
