/** GET /chat/<id> against `next start` of a production build on the seeded database, signed in over HTTP. */
import { freePort, stopChildren, type Stats, stats } from "../support";
import { ensureBuild } from "../lib/build";
import { portFree, request, signIn } from "../lib/http";
import { loadMeter, ms, processCpuMs } from "../lib/load";
import { startNext } from "../lib/next-server";
import { EMAIL_A, PASSWORD, type Seeded } from "./seed";

export const DIST = ".next-chatbench";
const PORT = 4950;

export interface PageTiming { ttfb: Stats; total: Stats; bytes: number; serverCpuMs: number }
export interface PageResult {
  port: number;
  build: string;
  big: PageTiming;
  small: PageTiming;
  startupMs: number;
  signInMs: number;
  otherLoad: number;
}

export async function measurePage(databaseUrl: string, s: Seeded, authSecret: string, forceBuild: boolean,
  log: (m: string) => void): Promise<PageResult> {
  const build = await ensureBuild(DIST, forceBuild, log);
  let port = PORT;
  if (!(await portFree(port))) {
    port = await freePort();
    log(`port ${PORT} is taken; using ${port}`);
  }
  const server = await startNext({ dist: DIST, port,
    env: { DATABASE_URL: databaseUrl, UPSTREAM_API_KEY: "x", AUTH_SECRET: authSecret } });
  log(`next start up on port ${port} in ${(server.startupMs / 1000).toFixed(1)} s`);
  try {
    const { jar, ms: signInMs } = await signIn(port, EMAIL_A, PASSWORD);
    log(`signed in as ${EMAIL_A} (${signInMs.toFixed(0)} ms incl. bcrypt)`);
    const pid = server.proc.pid!;
    const timePage = async (id: string, mustContain: string, warm: number, runs: number): Promise<PageTiming> => {
      const ttfb: number[] = [];
      const total: number[] = [];
      let bytes = 0;
      let cpu0 = 0;
      for (let i = 0; i < warm + runs; i++) {
        if (i === warm) cpu0 = processCpuMs(pid);
        const res = await request(port, "GET", `/chat/${id}`, { cookie: jar.header(), accept: "text/html" });
        if (res.status !== 200) throw new Error(`GET /chat/${id}: HTTP ${res.status}\n${res.body.slice(0, 500)}`);
        if (!res.body.includes(mustContain)) throw new Error(`GET /chat/${id}: the HTML lacks the expected text`);
        if (i >= warm) {
          ttfb.push(res.ttfb);
          total.push(res.total);
        }
        bytes = res.bytes;
      }
      return { ttfb: stats(ttfb), total: stats(total), bytes, serverCpuMs: (processCpuMs(pid) - cpu0) / runs };
    };
    // A snippet that appears verbatim in the HTML (escaped text would not match a raw snippet with quotes or <).
    const probe = (text: string) => (text.match(/[A-Za-z ,.]{20,}/)?.[0] ?? s.bigTitle).trim().slice(0, 30);
    const load = loadMeter();
    const big = await timePage(s.bigId, probe(s.lastBigMessage), 5, 20);
    log(`GET /chat/<1,000 messages>: median ${ms(big.total.p50)} ms, p95 ${ms(big.total.p95)} ms, server CPU ${ms(big.serverCpuMs)} ms ` +
      `per request, ${(big.bytes / 1024).toFixed(0)} KiB`);
    const small = await timePage(s.smallId, "<html", 5, 20);
    const otherLoad = load.read();
    log(`GET /chat/<20 messages>: median ${ms(small.total.p50)} ms, p95 ${ms(small.total.p95)} ms, server CPU ${ms(small.serverCpuMs)} ms ` +
      `per request, ${(small.bytes / 1024).toFixed(0)} KiB`);
    return { port, build, big, small, startupMs: server.startupMs, signInMs, otherLoad };
  } finally {
    await stopChildren();
  }
}
