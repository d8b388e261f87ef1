/** Whole-file writes that a reader, a crash or a full disk never catches half done. */
import { createWriteStream, existsSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { CliError } from "./command";

/**
 * Writes `content` (text, bytes, or text in pieces) to a temporary file beside `path`, then renames it
 * over `path`: the file is the old one or the new one, never a mix, and a failed write changes nothing.
 */
export async function writeFileAtomic(
  path: string,
  content: string | Uint8Array | Iterable<string> | AsyncIterable<string>,
): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  // Readable.from takes a string or a Buffer as one chunk; any other iterable piece by piece.
  const chunks =
    content instanceof Uint8Array
      ? Buffer.from(content.buffer, content.byteOffset, content.byteLength)
      : content;
  try {
    await pipeline(Readable.from(chunks), createWriteStream(temporary, { flush: true }));
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    if (error instanceof CliError) throw error;
    throw new CliError(`cannot write ${path}: ${(error as Error).message}`, 1);
  }
}

/** Whether two paths name one file (the same path, or links to one file). */
export function sameFile(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) return true;
  if (!existsSync(a) || !existsSync(b)) return false;
  const [x, y] = [statSync(a), statSync(b)];
  return x.dev === y.dev && x.ino === y.ino;
}
