// RFC 6238 time-based one-time codes (30 s, 6 digits, SHA-1: what every authenticator app speaks).
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

export function buildTotp(secret: string, email: string): TOTP {
  return new TOTP({ issuer: 'Tocsin', label: email, algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });
}

/**
 * Accepts the current code and one step either side, for clock drift. Returns the time step
 * the code belongs to (the caller makes sure each step is used once), or null.
 */
export function verifyTotp(secret: string, email: string, code: string, now: Date): number | null {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  const delta = buildTotp(secret, email).validate({ token, timestamp: now.getTime(), window: 1 });
  return delta === null ? null : Math.floor(now.getTime() / 30_000) + delta;
}

export function currentTotp(secret: string, email: string, now: Date): string {
  return buildTotp(secret, email).generate({ timestamp: now.getTime() });
}

export async function totpQrSvg(otpauthUrl: string): Promise<string> {
  return QRCode.toString(otpauthUrl, { type: 'svg', margin: 1 });
}
