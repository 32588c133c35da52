import escapeHtml from "escape-html";

/**
 * What the bot says, as structure rather than strings: every text piece is escaped once, here,
 * and only tags built here (from the Matrix HTML allow-list) reach `formatted_body`.
 */
export type Inline = string | { strong: Inline[] } | { em: Inline[] } | { code: string };

export type Block = { line: Inline[] } | { bullets: Inline[][] } | { numbered: Inline[][] } | { quote: Inline[] };

export interface Message {
  blocks: Block[];
}

export const strong = (...content: Inline[]): Inline => ({ strong: content });
export const em = (...content: Inline[]): Inline => ({ em: content });
export const code = (text: string): Inline => ({ code: text });
export const line = (...content: Inline[]): Block => ({ line: content });
export const bullets = (items: Inline[][]): Block => ({ bullets: items });
export const numbered = (items: Inline[][]): Block => ({ numbered: items });
export const message = (...blocks: Block[]): Message => ({ blocks });

export function toPlain(msg: Message): string {
  return msg.blocks.map(blockPlain).join("\n");
}

export function toHtml(msg: Message): string {
  return msg.blocks.map(blockHtml).join("");
}

function blockPlain(block: Block): string {
  if ("line" in block) return inlinePlain(block.line);
  if ("quote" in block) return `> ${inlinePlain(block.quote)}`;
  if ("bullets" in block) return block.bullets.map((item) => `• ${inlinePlain(item)}`).join("\n");
  return block.numbered.map((item, i) => `${i + 1}. ${inlinePlain(item)}`).join("\n");
}

function blockHtml(block: Block): string {
  if ("line" in block) return `${inlineHtml(block.line)}<br>`;
  if ("quote" in block) return `<blockquote>${inlineHtml(block.quote)}</blockquote>`;
  if ("bullets" in block) return `<ul>${block.bullets.map((item) => `<li>${inlineHtml(item)}</li>`).join("")}</ul>`;
  return `<ol>${block.numbered.map((item) => `<li>${inlineHtml(item)}</li>`).join("")}</ol>`;
}

function inlinePlain(content: Inline[]): string {
  return content
    .map((piece) => {
      if (typeof piece === "string") return piece;
      if ("code" in piece) return piece.code;
      return inlinePlain("strong" in piece ? piece.strong : piece.em);
    })
    .join("");
}

function inlineHtml(content: Inline[]): string {
  return content
    .map((piece) => {
      if (typeof piece === "string") return escapeHtml(piece);
      if ("code" in piece) return `<code>${escapeHtml(piece.code)}</code>`;
      if ("strong" in piece) return `<strong>${inlineHtml(piece.strong)}</strong>`;
      return `<em>${inlineHtml(piece.em)}</em>`;
    })
    .join("");
}

/**
 * Text made inert for a Markdown file: HTML is escaped (so `<script>` or `<img onerror>` read as
 * text in any renderer) and every character Markdown gives a meaning to is backslash-escaped, so a
 * `[x](javascript:…)` typed by a user never becomes a link, nor a `#` a heading.
 */
export function escapeMarkdown(text: string): string {
  return escapeHtml(text)
    .replace(/[\\`*_{}[\]()#+\-.!|~]/g, (c) => `\\${c}`)
    .replace(/\r?\n/g, "  \n");
}

/** The same structure as `toPlain`, as Markdown, every text piece escaped with `escapeMarkdown`. */
export function toMarkdown(msg: Message): string {
  return msg.blocks.map(blockMarkdown).join("\n\n");
}

function blockMarkdown(block: Block): string {
  if ("line" in block) return inlineMarkdown(block.line);
  if ("quote" in block) return `> ${inlineMarkdown(block.quote)}`;
  if ("bullets" in block) return block.bullets.map((item) => `- ${inlineMarkdown(item)}`).join("\n");
  return block.numbered.map((item, i) => `${i + 1}. ${inlineMarkdown(item)}`).join("\n");
}

function inlineMarkdown(content: Inline[]): string {
  return content
    .map((piece) => {
      if (typeof piece === "string") return escapeMarkdown(piece);
      // Inside a code span nothing is interpreted; only a backtick could close it early.
      if ("code" in piece) return `\`${piece.code.replace(/`/g, "'").replace(/\r?\n/g, " ")}\``;
      if ("strong" in piece) return `**${inlineMarkdown(piece.strong)}**`;
      return `_${inlineMarkdown(piece.em)}_`;
    })
    .join("");
}

/**
 * Homeservers refuse events over 65,536 bytes (`M_TOO_LARGE`), and an encrypted event carries its
 * content as base64 ciphertext (about 4/3 larger) plus keys and signatures. A message whose plain
 * and HTML bodies together stay under this budget fits in any room.
 */
export const MESSAGE_BUDGET_BYTES = 40_000;

const TRUNCATED = "… (tronqué : trop long pour un message)";

/** Bytes a message costs in an event: its plain body plus its HTML body. */
export function messageBytes(msg: Message): number {
  return Buffer.byteLength(toPlain(msg), "utf8") + Buffer.byteLength(toHtml(msg), "utf8");
}

/**
 * A long answer as several messages, each within `budget` (the first keeps the head): blocks are
 * packed in order, a list too long for one message is cut between its items, and a single item
 * still too long is truncated with a mark. Nothing is ever sent over the limit.
 */
export function splitMessage(msg: Message, budget = MESSAGE_BUDGET_BYTES): Message[] {
  const parts: Message[] = [];
  let current: Block[] = [];
  const flush = () => {
    if (current.length > 0) parts.push({ blocks: current });
    current = [];
  };
  const fits = (blocks: Block[]) => messageBytes({ blocks }) <= budget;
  for (const block of msg.blocks.flatMap((b) => pieces(b, budget))) {
    if (fits([...current, block])) {
      current.push(block);
      continue;
    }
    flush();
    if (fits([block])) {
      current = [block];
      continue;
    }
    // One line longer than a message (a report's text with all its complements): its text goes
    // on over as many messages as it needs, cut between words.
    const chunks = chunkText(blockText(block), budget);
    for (const chunk of chunks.slice(0, -1)) parts.push({ blocks: [{ line: [chunk] }] });
    current = [{ line: [chunks.at(-1) ?? ""] }];
  }
  flush();
  return parts.length > 0 ? parts : [msg];
}

function blockText(block: Block): string {
  const inlines =
    "line" in block ? block.line : "quote" in block ? block.quote : ("bullets" in block ? block.bullets : block.numbered).flat();
  return inlinePlain(inlines);
}

/** Text cut between words into pieces that each fit the budget as one line. */
function chunkText(text: string, budget: number): string[] {
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > 0) {
    let size = Math.min(rest.length, Math.floor(budget / 2));
    while (size > 1 && messageBytes({ blocks: [{ line: [rest.slice(0, size)] }] }) > budget) size = Math.floor(size * 0.8);
    if (size < rest.length) {
      const space = rest.lastIndexOf(" ", size);
      if (space > size / 2) size = space + 1;
    }
    chunks.push(rest.slice(0, size));
    rest = rest.slice(size);
  }
  return chunks;
}

/** One message within `budget`: what does not fit is cut, with a mark saying so. */
export function fitMessage(msg: Message, budget = MESSAGE_BUDGET_BYTES): Message {
  if (messageBytes(msg) <= budget) return msg;
  const kept: Block[] = [];
  for (const block of msg.blocks.flatMap((b) => pieces(b, budget - 200))) {
    if (messageBytes({ blocks: [...kept, block] }) <= budget - 200) {
      kept.push(block);
      continue;
    }
    if (kept.length === 0) kept.push(truncateBlock(block, budget));
    break;
  }
  return { blocks: [...kept, { line: [{ em: [TRUNCATED] }] }] };
}

/** A list block as lists of items that each fit the budget on their own. */
function pieces(block: Block, budget: number): Block[] {
  if (!("bullets" in block) && !("numbered" in block)) return [block];
  const items = "bullets" in block ? block.bullets : block.numbered;
  const make = (chunk: Inline[][]): Block => ("bullets" in block ? { bullets: chunk } : { numbered: chunk });
  if (messageBytes({ blocks: [block] }) <= budget) return [block];
  const out: Block[] = [];
  let chunk: Inline[][] = [];
  for (const item of items) {
    if (chunk.length > 0 && messageBytes({ blocks: [make([...chunk, item])] }) > budget) {
      out.push(make(chunk));
      chunk = [];
    }
    chunk.push(item);
  }
  if (chunk.length > 0) out.push(make(chunk));
  return out;
}

/** A block cut to fit, with a mark saying so. */
function truncateBlock(block: Block, budget: number): Block {
  const [first = ""] = chunkText(blockText(block), budget - 200);
  return { line: [first, { em: [TRUNCATED] }] };
}
