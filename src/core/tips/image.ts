/**
 * Photos sent by citizens: the type is read from the bytes (never from the name or the browser's
 * claim), and every metadata block is dropped — EXIF (camera, serial, date, GPS), XMP, IPTC,
 * comments, PNG text chunks. When the citizen chooses to keep the position, only the GPS
 * latitude/longitude are read out of the EXIF before it goes. Pure: bytes in, bytes out.
 */

export type ImageType = "image/jpeg" | "image/png" | "image/webp";

export type Cleaned =
  | { ok: true; mimetype: ImageType; bytes: Buffer; position: { latitude: number; longitude: number } | null }
  | { ok: false; error: string };

const NOT_AN_IMAGE = "Ce fichier n'est pas une photo lisible : seules les images JPEG, PNG ou WebP sont acceptées.";

export function sniffImage(bytes: Buffer): ImageType | null {
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return "image/png";
  if (bytes.length >= 12 && bytes.toString("latin1", 0, 4) === "RIFF" && bytes.toString("latin1", 8, 12) === "WEBP")
    return "image/webp";
  return null;
}

export function cleanImage(bytes: Buffer, keepPosition: boolean): Cleaned {
  const type = sniffImage(bytes);
  try {
    if (type === "image/jpeg") return cleanJpeg(bytes, keepPosition);
    if (type === "image/png") return { ok: true, mimetype: type, bytes: cleanPng(bytes), position: null };
    if (type === "image/webp") return { ok: true, mimetype: type, bytes: cleanWebp(bytes), position: null };
  } catch {
    return { ok: false, error: NOT_AN_IMAGE };
  }
  return { ok: false, error: NOT_AN_IMAGE };
}

// --- JPEG: keep APP0 (JFIF), APP2 ICC profile, APP14 (Adobe); drop every other APPn and COM.
function cleanJpeg(bytes: Buffer, keepPosition: boolean): Cleaned {
  const parts: Buffer[] = [bytes.subarray(0, 2)];
  let position: { latitude: number; longitude: number } | null = null;
  let offset = 2;
  for (;;) {
    if (offset + 4 > bytes.length || bytes[offset] !== 0xff) throw new Error("bad jpeg segment");
    const marker = bytes[offset + 1] ?? 0;
    if (marker === 0xff) {
      offset++; // fill byte
      continue;
    }
    if (marker === 0xda) {
      parts.push(bytes.subarray(offset)); // start of scan: the image data, up to the end
      break;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      parts.push(bytes.subarray(offset, offset + 2));
      offset += 2;
      continue;
    }
    const length = bytes.readUInt16BE(offset + 2);
    if (length < 2 || offset + 2 + length > bytes.length) throw new Error("bad jpeg segment length");
    const segment = bytes.subarray(offset, offset + 2 + length);
    const body = segment.subarray(4);
    const isApp = marker >= 0xe0 && marker <= 0xef;
    if (marker === 0xe1 && keepPosition && position === null && body.toString("latin1", 0, 6) === "Exif\0\0") {
      position = gpsFromTiff(body.subarray(6));
    }
    const keep =
      (!isApp && marker !== 0xfe) ||
      marker === 0xe0 ||
      marker === 0xee ||
      (marker === 0xe2 && body.toString("latin1", 0, 12) === "ICC_PROFILE\0");
    if (keep) parts.push(segment);
    offset += 2 + length;
  }
  return { ok: true, mimetype: "image/jpeg", bytes: Buffer.concat(parts), position };
}

/** Latitude/longitude from an EXIF TIFF block (GPS IFD, tags 1–4), or null. */
export function gpsFromTiff(tiff: Buffer): { latitude: number; longitude: number } | null {
  const order = tiff.toString("latin1", 0, 2);
  if (order !== "II" && order !== "MM") return null;
  const little = order === "II";
  const u16 = (at: number) => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  const entries = (ifd: number) => {
    const count = u16(ifd);
    return Array.from({ length: count }, (_, i) => {
      const at = ifd + 2 + i * 12;
      return { tag: u16(at), type: u16(at + 2), count: u32(at + 4), valueAt: at + 8 };
    });
  };
  const gpsPointer = entries(u32(4)).find((e) => e.tag === 0x8825);
  if (!gpsPointer) return null;
  const gps = entries(u32(gpsPointer.valueAt));
  const ref = (tag: number) => {
    const e = gps.find((x) => x.tag === tag);
    return e ? tiff.toString("latin1", e.valueAt, e.valueAt + 1) : null;
  };
  const degrees = (tag: number) => {
    const e = gps.find((x) => x.tag === tag);
    if (!e || e.type !== 5 || e.count !== 3) return null;
    const base = u32(e.valueAt);
    const [d, m, s] = [0, 1, 2].map((i) => {
      const den = u32(base + i * 8 + 4);
      return den === 0 ? 0 : u32(base + i * 8) / den;
    });
    return (d ?? 0) + (m ?? 0) / 60 + (s ?? 0) / 3600;
  };
  const lat = degrees(2);
  const lon = degrees(4);
  if (lat === null || lon === null || lat > 90 || lon > 180) return null;
  const round = (x: number) => Math.round(x * 1e6) / 1e6;
  return { latitude: round(ref(1) === "S" ? -lat : lat), longitude: round(ref(3) === "W" ? -lon : lon) };
}

// --- PNG: drop text, EXIF and time chunks; everything else (image data, palette, colour) stays.
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PNG_DROPPED = new Set(["tEXt", "zTXt", "iTXt", "eXIf", "tIME"]);

function cleanPng(bytes: Buffer): Buffer {
  const parts: Buffer[] = [PNG_SIGNATURE];
  let offset = 8;
  let ended = false;
  while (offset < bytes.length && !ended) {
    if (offset + 12 > bytes.length) throw new Error("truncated png chunk");
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString("latin1", offset + 4, offset + 8);
    const end = offset + 12 + length;
    if (end > bytes.length) throw new Error("truncated png chunk");
    if (!PNG_DROPPED.has(type)) parts.push(bytes.subarray(offset, end));
    ended = type === "IEND";
    offset = end;
  }
  if (!ended) throw new Error("png without IEND");
  return Buffer.concat(parts);
}

// --- WebP: drop the EXIF and XMP chunks and clear their flags in VP8X.
function cleanWebp(bytes: Buffer): Buffer {
  const chunks: Buffer[] = [];
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const type = bytes.toString("latin1", offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    const end = offset + 8 + size + (size % 2);
    if (offset + 8 + size > bytes.length) throw new Error("truncated webp chunk");
    if (type !== "EXIF" && type !== "XMP ") {
      const chunk = Buffer.from(bytes.subarray(offset, Math.min(end, bytes.length)));
      if (type === "VP8X" && chunk.length > 8) chunk[8] = (chunk[8] ?? 0) & ~0x0c;
      chunks.push(chunk);
    }
    offset = end;
  }
  if (chunks.length === 0) throw new Error("empty webp");
  const body = Buffer.concat(chunks);
  const header = Buffer.alloc(12);
  header.write("RIFF", 0, "latin1");
  header.writeUInt32LE(body.length + 4, 4);
  header.write("WEBP", 8, "latin1");
  return Buffer.concat([header, body]);
}
