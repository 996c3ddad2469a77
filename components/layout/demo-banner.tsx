import { cookies } from "next/headers";
import { config } from "@/lib/config";
import { DEMO_COOKIE } from "./demo-cookie";
import { DismissDemoNotice } from "./dismiss-demo-notice";

/**
 * Says plainly, wherever replies can be seen, that they are simulated and how to get real ones. A reader
 * may dismiss it; the choice is a cookie, read here on the server, so the page never renders it twice.
 */
export async function DemoBanner() {
  if (!config().demoMode) return null;
  if ((await cookies()).get(DEMO_COOKIE)?.value === "dismissed") return null;
  const name = <code className="rounded bg-amber-100 px-1 font-mono dark:bg-amber-900">UPSTREAM_API_KEY</code>;
  return (
    <DismissDemoNotice>
      {/* One line on a phone; the variable's name is what the operator needs. */}
      <span className="truncate sm:hidden">Demo: simulated replies. Set {name}.</span>
      <span className="hidden sm:inline">
        Demo mode: replies are simulated by the built-in demo upstream, not GLM-4. Set {name} to your Zhipu key and
        restart to talk to the real models.
      </span>
    </DismissDemoNotice>
  );
}
