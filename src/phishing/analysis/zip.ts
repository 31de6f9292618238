// ZIP archives read from the central directory only: entry names, sizes and flags, never the
// contents (except small named entries on request, inflated with a hard output cap). Enough to
// list what is inside, spot encryption and zip bombs, and find macros in Office documents.
import { inflateRawSync } from 'node:zlib';
import iconv from 'iconv-lite';

export interface ZipEntry {
  name: string;
  encrypted: boolean;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localOffset: number;
}

export interface ZipListing {
  entries: ZipEntry[];
  /** entries declared by the archive (may exceed `entries`, which is bounded) */
  declared: number;
  totalUncompressed: number;
  /** several entries share one data block: the overlapping-file zip bomb */
  overlapping: boolean;
  /** the directory was missing or damaged and entries came from a forward scan */
  damaged: boolean;
}

const EOCD = 0x06054b50;
const CDH = 0x02014b50;
const LFH = 0x04034b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;

function entryName(bytes: Buffer, utf8: boolean): string {
  return utf8 ? bytes.toString('utf8') : iconv.decode(bytes, 'cp437');
}

function u64(buf: Buffer, at: number): number {
  return Number(buf.readBigUInt64LE(at));
}

/** Sizes from a ZIP64 extra field, for the fields set to 0xFFFFFFFF. */
function zip64Sizes(extra: Buffer, e: { compressedSize: number; uncompressedSize: number; localOffset: number }): void {
  for (let i = 0; i + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(i);
    const size = extra.readUInt16LE(i + 2);
    if (id === 0x0001) {
      let p = i + 4;
      const end = Math.min(p + size, extra.length);
      if (e.uncompressedSize === 0xffffffff && p + 8 <= end) (e.uncompressedSize = u64(extra, p)), (p += 8);
      if (e.compressedSize === 0xffffffff && p + 8 <= end) (e.compressedSize = u64(extra, p)), (p += 8);
      if (e.localOffset === 0xffffffff && p + 8 <= end) e.localOffset = u64(extra, p);
      return;
    }
    i += 4 + size;
  }
}

function scanLocalHeaders(buf: Buffer, maxEntries: number): ZipListing {
  const out: ZipListing = { entries: [], declared: 0, totalUncompressed: 0, overlapping: false, damaged: true };
  for (let at = buf.indexOf('PK\x03\x04', 0, 'latin1'); at >= 0 && at + 30 <= buf.length; at = buf.indexOf('PK\x03\x04', at + 4, 'latin1')) {
    if (buf.readUInt32LE(at) !== LFH) continue;
    const flags = buf.readUInt16LE(at + 6);
    const nameLen = buf.readUInt16LE(at + 26);
    const e: ZipEntry = {
      name: entryName(buf.subarray(at + 30, Math.min(buf.length, at + 30 + nameLen)), (flags & 0x800) !== 0),
      encrypted: (flags & 1) !== 0,
      method: buf.readUInt16LE(at + 8),
      compressedSize: buf.readUInt32LE(at + 18),
      uncompressedSize: buf.readUInt32LE(at + 22),
      localOffset: at,
    };
    out.declared++;
    out.totalUncompressed += e.uncompressedSize;
    if (out.entries.length < maxEntries) out.entries.push(e);
    if (out.declared >= 10_000) break;
  }
  return out;
}

/** The archive's listing, or null when `buf` is no ZIP at all. Bounded by `maxEntries` kept and 65,535 read. */
export function listZip(buf: Buffer, maxEntries: number): ZipListing | null {
  if (buf.length < 22) return null;
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65535); i--) {
    if (buf[i] === 0x50 && buf.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return buf.readUInt32LE(0) === LFH ? scanLocalHeaders(buf, maxEntries) : null;
  let count = buf.readUInt16LE(eocd + 10);
  let cdOffset = buf.readUInt32LE(eocd + 16);
  if ((count === 0xffff || cdOffset === 0xffffffff) && eocd >= 20 && buf.readUInt32LE(eocd - 20) === ZIP64_LOCATOR) {
    const z = u64(buf, eocd - 12);
    if (z + 56 <= buf.length && buf.readUInt32LE(z) === ZIP64_EOCD) {
      count = Math.min(u64(buf, z + 32), 1_000_000);
      cdOffset = u64(buf, z + 48);
    }
  }
  const out: ZipListing = { entries: [], declared: count, totalUncompressed: 0, overlapping: false, damaged: false };
  const offsets = new Set<number>();
  let p = cdOffset;
  for (let n = 0; n < Math.min(count, 65_535); n++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== CDH) {
      if (n === 0) return scanLocalHeaders(buf, maxEntries);
      out.damaged = true;
      break;
    }
    const flags = buf.readUInt16LE(p + 8);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const e: ZipEntry = {
      name: entryName(buf.subarray(p + 46, Math.min(buf.length, p + 46 + nameLen)), (flags & 0x800) !== 0),
      encrypted: (flags & 1) !== 0,
      method: buf.readUInt16LE(p + 10),
      compressedSize: buf.readUInt32LE(p + 20),
      uncompressedSize: buf.readUInt32LE(p + 24),
      localOffset: buf.readUInt32LE(p + 42),
    };
    zip64Sizes(buf.subarray(p + 46 + nameLen, Math.min(buf.length, p + 46 + nameLen + extraLen)), e);
    if (offsets.has(e.localOffset)) out.overlapping = true;
    offsets.add(e.localOffset);
    out.totalUncompressed += e.uncompressedSize;
    if (out.entries.length < maxEntries) out.entries.push(e);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/** The content of one small entry (stored or deflated), at most `maxBytes`; null when unreadable or encrypted. */
export function readZipEntry(buf: Buffer, e: ZipEntry, maxBytes: number): Buffer | null {
  if (e.encrypted || e.localOffset + 30 > buf.length || buf.readUInt32LE(e.localOffset) !== LFH) return null;
  const start = e.localOffset + 30 + buf.readUInt16LE(e.localOffset + 26) + buf.readUInt16LE(e.localOffset + 28);
  const data = buf.subarray(start, Math.min(buf.length, start + e.compressedSize));
  try {
    if (e.method === 0) return data.subarray(0, maxBytes);
    if (e.method === 8) return inflateRawSync(data, { maxOutputLength: maxBytes });
  } catch {
    // Cut at maxBytes (a bomb) or damaged: nothing usable.
  }
  return null;
}
