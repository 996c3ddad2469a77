import { config } from "@/lib/config";

/** Says plainly, wherever replies can be seen, that they are simulated and how to get real ones. */
export function DemoBanner() {
  if (!config().demoMode) return null;
  return (
    <div role="status" aria-label="Demo mode"
      className="border-b border-amber-300 bg-amber-50 px-4 py-2 text-center text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
      Demo mode: replies are simulated by the built-in demo upstream, not GLM-4. Set{" "}
      <code className="rounded bg-amber-100 px-1 font-mono dark:bg-amber-900">UPSTREAM_API_KEY</code> to your Zhipu
      key and restart to talk to the real models.
    </div>
  );
}
