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
