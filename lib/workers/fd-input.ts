/**
 * Input from an inherited file descriptor that is a regular file (`cardveil scrub < app.log`):
 * read with large reads straight into the pipeline's memory instead of through `process.stdin`,
 * whose 64 KB chunks, one thread-pool round trip and one stream event each, made the documented
 * stdin form several times slower than scrubbing the same file by path.
 *
 * The descriptor is read from its current offset (a shell may have consumed part of it), so gzip
 * is told from the first bytes read, which are then replayed.
 */
import { fstat, read } from 'node:fs';
import { promisify } from 'node:util';
import { decodeInput } from './gzip.js';
import type { ByteSource, FileSource } from './pipeline.js';

const fstatAsync = promisify(fstat);
const readAsync = promisify(read);
const CHUNK_BYTES = 1 << 20;

/** True when `fd` is a regular file (not a pipe, socket or terminal). */
export async function isRegularFile(fd: number): Promise<boolean> {
  try {
    return (await fstatAsync(fd)).isFile();
  } catch {
    return false;
  }
}

/** The bytes of `fd` (gunzipped when they are gzip), and whether they were gzip. */
export async function decodeFileDescriptor(fd: number): Promise<{ gzip: boolean; source: ByteSource }> {
  const head = Buffer.allocUnsafe(2);
  let headBytes = 0;
  while (headBytes < 2) {
    const { bytesRead } = await readAsync(fd, head, headBytes, 2 - headBytes, null);
    if (bytesRead === 0) break;
    headBytes += bytesRead;
  }
  const first = head.subarray(0, headBytes);
  if (headBytes === 2 && head[0] === 0x1f && head[1] === 0x8b) {
    async function* chunks(): AsyncGenerator<Buffer> {
      yield first;
      for (;;) {
        const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
        const { bytesRead } = await readAsync(fd, buffer, 0, CHUNK_BYTES, null);
        if (bytesRead === 0) return;
        yield buffer.subarray(0, bytesRead);
      }
    }
    return decodeInput(chunks());
  }
  let replay: Buffer | null = first.length > 0 ? first : null;
  const source: FileSource = {
    fd,
    async read(buffer, offset, length) {
      if (replay) {
        const n = replay.copy(buffer, offset, 0, Math.min(length, replay.length));
        replay = n < replay.length ? replay.subarray(n) : null;
        return { bytesRead: n };
      }
      return readAsync(fd, buffer, offset, length, null);
    },
  };
  return { gzip: false, source };
}
