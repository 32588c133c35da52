/**
 * The receipt code a citizen gets once after sending a tip: 15 random digits and a Luhn check
 * digit (a typo is caught before any look-up), shown in groups of four. Only its hash is stored.
 */

export const RECEIPT_DIGITS = 16;

/** 15 digits from the given random bytes (at least 15), plus the check digit. */
export function receiptFromBytes(bytes: Uint8Array): string {
  if (bytes.length < RECEIPT_DIGITS - 1) throw new Error("not enough random bytes for a receipt");
  let digits = "";
  for (let i = 0; i < RECEIPT_DIGITS - 1; i++) digits += String((bytes[i] ?? 0) % 10);
  return digits + String(luhnCheckDigit(digits));
}

export function formatReceipt(receipt: string): string {
  return receipt.replace(/(\d{4})(?=\d)/g, "$1 ");
}

export type ParsedReceipt = { ok: true; receipt: string } | { ok: false; error: string };

/** What a citizen types back: spaces, dashes and dots allowed. */
export function parseReceipt(typed: string): ParsedReceipt {
  const digits = typed.replace(/[\s.\-\u00a0\u202f]/gu, "");
  if (digits === "") return { ok: false, error: "Saisissez le code de suivi reçu après l'envoi (16 chiffres)." };
  if (!/^\d+$/.test(digits)) return { ok: false, error: "Le code de suivi ne contient que des chiffres." };
  if (digits.length !== RECEIPT_DIGITS) {
    return { ok: false, error: `Le code de suivi a 16 chiffres ; vous en avez saisi ${digits.length}.` };
  }
  if (luhnCheckDigit(digits.slice(0, -1)) !== Number(digits.slice(-1))) {
    return { ok: false, error: "Ce code de suivi contient une faute de frappe : vérifiez chaque chiffre." };
  }
  return { ok: true, receipt: digits };
}

function luhnCheckDigit(payload: string): number {
  let sum = 0;
  for (let i = 0; i < payload.length; i++) {
    let digit = Number(payload[payload.length - 1 - i]);
    if (i % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return (10 - (sum % 10)) % 10;
}
