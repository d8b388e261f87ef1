import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { BASE_URL, PREVIEW_PORT } from "./browser";

let server: ChildProcess | undefined;

/** Builds the app and serves it with `vite preview`, as a user of the built lab would get it. */
export async function setup() {
  execFileSync("npx", ["vite", "build", "--logLevel", "warn"], { stdio: "inherit" });
  server = spawn("npx", ["vite", "preview", "--host", "127.0.0.1", "--port", PREVIEW_PORT, "--strictPort"], {
    stdio: "ignore",
    detached: true,
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(BASE_URL)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`vite preview did not answer at ${BASE_URL}`);
}

export async function teardown() {
  // npx starts vite as a child; kill the whole process group.
  if (server?.pid) process.kill(-server.pid, "SIGTERM");
}
