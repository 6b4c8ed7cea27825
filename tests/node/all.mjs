// Every scenario file in one Node process (start-up and the SDK import are most of a file's cost).
await import("./smoke.mjs");
await import("./scenarios.mjs");
await import("./scenarios2.mjs");
await import("./zod.mjs");
