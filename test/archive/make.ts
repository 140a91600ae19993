// Builds archives inside the tests: a small zip writer (PKWARE APPNOTE 4.3: local headers, data, central directory,
// end record; deflate from node:zlib) that can also write what a hostile archive holds (a `..` name, a symlink, a
// size that lies), and tars through tar-stream's packer.
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import { writeFileSync } from 'node:fs';
import * as tarStream from 'tar-stream';

export interface ZipMember {
  name: string;
  data: Buffer | string;
  /** Unix mode bits in the external attributes (0o120777 = a symlink). */
  mode?: number;
  store?: boolean;
  /** Declared uncompressed size, when the test wants a header that lies. */
  declaredSize?: number;
}

export function zip(members: ZipMember[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const data = Buffer.isBuffer(m.data) ? m.data : Buffer.from(m.data);
    const body = m.store ? data : deflateRawSync(data);
    const name = Buffer.from(m.name, 'utf8');
    const crc = crc32(data) >>> 0;
    const size = m.declaredSize ?? data.length;
    const method = m.store ? 0 : 8;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6); // UTF-8 names
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    parts.push(local, name, body);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE((3 << 8) | 20, 4); // made by Unix
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(0x800, 8);
    c.writeUInt16LE(method, 10);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(body.length, 20);
    c.writeUInt32LE(size, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE(((m.mode ?? 0o100644) << 16) >>> 0, 38);
    c.writeUInt32LE(offset, 42);
    central.push(c, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(members.length, 8);
  end.writeUInt16LE(members.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cd, end]);
}

export interface TarMember {
  name: string;
  data?: Buffer | string;
  type?: 'file' | 'symlink' | 'link' | 'directory';
  linkname?: string;
}

export async function tar(members: TarMember[], gzip = false): Promise<Buffer> {
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: unknown) => void chunks.push(c as Buffer));
  const done = new Promise<void>((res) => pack.on('end', () => res()));
  for (const m of members) {
    const type = m.type ?? 'file';
    if (type === 'file') pack.entry({ name: m.name }, Buffer.isBuffer(m.data) ? m.data : Buffer.from(m.data ?? ''));
    else pack.entry({ name: m.name, type, ...(m.linkname ? { linkname: m.linkname } : {}) });
  }
  pack.finalize();
  await done;
  const t = Buffer.concat(chunks);
  return gzip ? gzipSync(t) : t;
}

export function write(file: string, data: Buffer): string {
  writeFileSync(file, data);
  return file;
}
