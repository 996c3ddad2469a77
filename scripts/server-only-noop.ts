/**
 * What `import "server-only"` means outside Next's bundler: nothing.
 *
 * Modules that must never reach a browser (db/**, lib/auth/**, lib/config.ts, …) start with
 * `import "server-only"`. In `next build` / `next dev` that import is Next's own business: its compiler
 * refuses the build when a client component's import graph reaches such a module ("'server-only' cannot be
 * imported from a Client Component module"), and server bundles get an empty module. Plain Node (tsx: the
 * unit and integration tests, `npm run keys`, `db:migrate`, `db:copy`, the benchmarks, the stand-in) would
 * load the npm package's default export instead, which throws on import — so tsconfig.json's `paths` maps
 * "server-only" here, and tsx (which resolves `paths`) loads this empty module. Nothing to run, nothing to
 * pass: every tsx invocation, `npx tsx …` by hand included, works without a flag or a NODE_OPTIONS.
 */
export {};
