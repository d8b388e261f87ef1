import { z } from "zod";

// zod compiles fast object parsers with `new Function` when it may, and probes for that by trying;
// under the lab's Content-Security-Policy (no 'unsafe-eval') the probe itself is a reported violation.
// Imported first by the page (main.tsx) and by each Worker, so it holds before any schema parses.
z.config({ jitless: true });
