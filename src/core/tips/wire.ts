/**
 * What the public tips process and the bot exchange through Redis — and nothing else: the tips
 * process never sees a report, a room or a credential. Tips go one way (a durable BullMQ job,
 * removed once the bot has stored it); the cell's questions come back, keyed by the receipt's hash.
 */
import { z } from "zod";

export const TIPS_QUEUE = "cross-tips";
/** The key (after the bot's Redis prefix) where the bot publishes what a receipt may read. */
export const receiptKey = (prefix: string, receiptHash: string) => `${prefix}:tips:receipt:${receiptHash}`;

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const text = (max: number) => z.string().max(max);

export const tipFieldsSchema = z.strictObject({
  communeCode: z.string().regex(/^\d[0-9AB]\d{3}$/),
  communeNom: text(100),
  place: text(200),
  kind: z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/),
  when: text(200),
  people: z.number().int().min(0).max(999).nullable(),
  vehicles: text(300),
  description: text(4000),
  contact: text(200),
});
export type TipFields = z.infer<typeof tipFieldsSchema>;

export const photoSchema = z.strictObject({
  mimetype: z.enum(["image/jpeg", "image/png", "image/webp"]),
  /** base64 of the bytes, metadata already stripped by the tips process. */
  data: z.string().max(30 * 1024 * 1024),
  /** Only when the citizen chose to keep the photo's position. */
  latitude: z.number().min(-90).max(90).nullable(),
  longitude: z.number().min(-180).max(180).nullable(),
});
export type TipPhoto = z.infer<typeof photoSchema>;

export const tipJobSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("tip"),
    /** Derived from the form's one-time token: the same submission sent twice is one tip. */
    submissionId: hex64,
    receivedAt: z.number().int().positive(),
    receiptHash: hex64,
    /** false: sent without JavaScript, hence without proof of work (stricter limit, marked). */
    pow: z.boolean(),
    fields: tipFieldsSchema,
    photo: photoSchema.nullable(),
  }),
  z.strictObject({
    kind: z.literal("answer"),
    submissionId: hex64,
    receivedAt: z.number().int().positive(),
    receiptHash: hex64,
    text: text(4000).min(1),
  }),
]);
export type TipJob = z.infer<typeof tipJobSchema>;

/** What a receipt reads back: the cell's questions, never the decision, the report or anyone's name. */
export const receiptViewSchema = z.strictObject({
  questions: z.array(z.strictObject({ id: z.number().int(), text: text(2000), askedAt: z.number(), answered: z.boolean() })),
  /** The tip no longer takes answers (decided or purged). */
  closed: z.boolean(),
});
export type ReceiptView = z.infer<typeof receiptViewSchema>;
