/**
 * Recognises a command in a message body, whatever the client did to it (see docs/commands.md):
 * `!aide`, `/aide` (Element X, iOS), `//aide` (Element Android's escape), or a message that starts
 * by mentioning the bot (`crossbot: aide`, `@crossbot:serveur aide`, the display name of a pill).
 */
export interface CommandLine {
  /** Lower-case, accent-free command name as typed (`synthese` for `!Synthèse`). */
  name: string;
  /** The rest of the line, as typed (trimmed). */
  args: string;
  via: "!" | "/" | "//" | "mention";
}

export interface BotNames {
  userId: string;
  displayName?: string | null;
}

const NAME = /^([\p{L}\p{N}][\p{L}\p{N}_-]*)(?=\s|$)/u;
const LEADING_SPACE = /^[\s\u00a0\u202f\u200b\ufeff]+/u;

export function parseCommandLine(rawBody: string, bot: BotNames): CommandLine | null {
  const body = stripReplyFallback(rawBody).replace(LEADING_SPACE, "");
  for (const prefix of ["//", "!", "/"] as const) {
    if (body.startsWith(prefix)) return readName(body.slice(prefix.length), prefix);
  }
  const afterMention = stripMention(body, bot);
  if (afterMention === null) return null;
  // "crossbot: !aide" and "crossbot: aide" are both fine.
  const rest = afterMention.replace(/^(\/\/|!|\/)/, "");
  return readName(rest, "mention");
}

export function normaliseCommandName(name: string): string {
  return name.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
}

function readName(text: string, via: CommandLine["via"]): CommandLine | null {
  const match = NAME.exec(text);
  if (!match?.[1]) return null;
  return {
    name: normaliseCommandName(match[1]),
    args: text.slice(match[1].length).replace(LEADING_SPACE, "").trimEnd(),
    via,
  };
}

/** Returns the text after a leading mention of the bot, or null when the body does not start with one. */
function stripMention(body: string, bot: BotNames): string | null {
  const localpart = bot.userId.slice(1).split(":")[0] ?? "";
  const candidates = [bot.userId, `@${localpart}`, localpart, bot.displayName ?? ""]
    .filter((name) => name.length > 0)
    .sort((a, b) => b.length - a.length);
  const lower = body.toLowerCase();
  for (const name of candidates) {
    if (!lower.startsWith(name.toLowerCase())) continue;
    const rest = body.slice(name.length);
    const separator = /^\s*[:,]?[\s\u00a0]+|^\s*[:,]$/u.exec(rest);
    if (!separator) continue;
    return rest.slice(separator[0].length);
  }
  return null;
}

/** Rich replies carry a `> <@user> quoted` fallback before the real text: drop it. */
function stripReplyFallback(body: string): string {
  if (!body.startsWith("> ")) return body;
  const lines = body.split("\n");
  let i = 0;
  while (i < lines.length && lines[i]?.startsWith(">")) i++;
  if (lines[i] === "") i++;
  return lines.slice(i).join("\n");
}

/**
 * Splits an argument string into words, keeping quoted phrases together. Straight, curly and
 * French quotes are all accepted since phone keyboards substitute them.
 */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  const pattern = /"([^"]*)"|“([^”]*)”|«\s*([^»]*?)\s*»|‘([^’]*)’|(\S+)/gu;
  for (const match of text.matchAll(pattern)) {
    const word = match.slice(1).find((group) => group !== undefined);
    if (word !== undefined) words.push(word);
  }
  return words;
}
