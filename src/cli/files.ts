/** Whole-file writes that a reader, a crash or a full disk never catches half done. */

import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
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
  const out = createWriteStream(temporary, { flush: true });
  try {
    await pipeline(Readable.from(chunks), out);
    renameSync(temporary, path);
  } catch (error) {
    // The stream may still be opening the file when the content fails: remove it once it is closed.
    if (!out.closed) await new Promise<void>((closed) => out.once("close", () => closed()));
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

/** Whether a process with this id is alive (one we may not signal is alive too). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Runs `work` holding `path`.lock, so two sweeps never append to one file: a lock held by a live process
 * is refused naming it (bad input, exit 2); one left by a process that died is taken over.
 */
export async function withWriterLock<T>(path: string, work: () => Promise<T>): Promise<T> {
  const lock = `${path}.lock`;
  mkdirSync(dirname(resolve(lock)), { recursive: true });
  for (;;) {
    try {
      writeFileSync(lock, `${process.pid}\n`, { flag: "wx" });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number.parseInt(readFileSync(lock, "utf8"), 10);
      if (Number.isInteger(holder) && holder !== process.pid && alive(holder)) {
        throw new CliError(
          `another process (pid ${holder}) is writing ${path}; wait for it, or remove ${lock} if it is not a tunelab`,
        );
      }
      rmSync(lock, { force: true }); // left by a process that is gone
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { force: true });
  }
}
