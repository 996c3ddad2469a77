/**
 * GET /chat/<id> against `next start` of a production build on the seeded database(s), signed in over HTTP.
 * With several databases (--postgres --paired: the same data set in PostgreSQL and in SQLite), one server per
 * database, all up at once, and the requests alternate between them, so each sees the same machine load.
 */
import { freePort, stopChildren, type Stats, stats } from "../support";
import { ensureBuild } from "../lib/build";
import { portFree, request, signIn, type CookieJar } from "../lib/http";
import { loadMeter, ms, processCpuMs } from "../lib/load";
import { startNext } from "../lib/next-server";
import { EMAIL_A, PASSWORD, type Seeded } from "./seed";

export const DIST = ".next-chatbench";
const PORT = 4950;
const WARM = 5;
const RUNS = 20;

export interface PageTiming {
  ttfb: Stats;
  total: Stats;
  bytes: number;
  serverCpuMs: number;
}
export interface PageResult {
  label: string;
  port: number;
  build: string;
  big: PageTiming;
  small: PageTiming;
  startupMs: number;
  signInMs: number;
  otherLoad: number;
}

interface Server {
  label: string;
  port: number;
  pid: number;
  jar: CookieJar;
  startupMs: number;
  signInMs: number;
}

export async function measurePages(
  databases: { label: string; url: string }[],
  s: Seeded,
  authSecret: string,
  forceBuild: boolean,
  log: (m: string) => void,
): Promise<PageResult[]> {
  const build = await ensureBuild(DIST, forceBuild, log);
  const servers: Server[] = [];
  try {
    for (const [i, d] of databases.entries()) {
      let port = PORT + i;
      if (!(await portFree(port))) port = await freePort();
      const child = await startNext({
        dist: DIST,
        port,
        name: `next start (${d.label})`,
        env: { DATABASE_URL: d.url, UPSTREAM_API_KEY: "x", AUTH_SECRET: authSecret },
      });
      const { jar, ms: signInMs } = await signIn(port, EMAIL_A, PASSWORD);
      log(
        `${d.label}: next start up on port ${port} in ${(child.startupMs / 1000).toFixed(1)} s; signed in (${signInMs.toFixed(0)} ms incl. bcrypt)`,
      );
      servers.push({ label: d.label, port, pid: child.proc.pid!, jar, startupMs: child.startupMs, signInMs });
    }
    // A snippet that appears verbatim in the HTML (escaped text would not match a raw snippet with quotes or <).
    const probe = (s.lastBigMessage.match(/[A-Za-z ,.]{20,}/)?.[0] ?? s.bigTitle).trim().slice(0, 30);
    const timeAll = async (id: string, mustContain: string): Promise<PageTiming[]> => {
      const ttfb = servers.map(() => [] as number[]);
      const total = servers.map(() => [] as number[]);
      const bytes = servers.map(() => 0);
      const cpu = servers.map(() => 0);
      for (let i = 0; i < WARM + RUNS; i++) {
        for (const [k, sv] of servers.entries()) {
          const c0 = processCpuMs(sv.pid);
          const res = await request(sv.port, "GET", `/chat/${id}`, { cookie: sv.jar.header(), accept: "text/html" });
          if (res.status !== 200)
            throw new Error(`${sv.label}: GET /chat/${id}: HTTP ${res.status}\n${res.body.slice(0, 500)}`);
          if (!res.body.includes(mustContain))
            throw new Error(`${sv.label}: GET /chat/${id}: the HTML lacks the expected text`);
          if (i >= WARM) {
            ttfb[k].push(res.ttfb);
            total[k].push(res.total);
            cpu[k] += processCpuMs(sv.pid) - c0;
          }
          bytes[k] = res.bytes;
        }
      }
      return servers.map((_, k) => ({
        ttfb: stats(ttfb[k]),
        total: stats(total[k]),
        bytes: bytes[k],
        serverCpuMs: cpu[k] / RUNS,
      }));
    };
    const load = loadMeter();
    const big = await timeAll(s.bigId, probe);
    const small = await timeAll(s.smallId, "<html");
    const otherLoad = load.read();
    return servers.map((sv, k) => {
      log(
        `${sv.label}: GET /chat/<1,000 messages> median ${ms(big[k].total.p50)} ms, p95 ${ms(big[k].total.p95)} ms, server CPU ` +
          `${ms(big[k].serverCpuMs)} ms per request, ${(big[k].bytes / 1024).toFixed(0)} KiB; <20 messages> median ${ms(small[k].total.p50)} ms`,
      );
      return {
        label: sv.label,
        port: sv.port,
        build,
        big: big[k],
        small: small[k],
        startupMs: sv.startupMs,
        signInMs: sv.signInMs,
        otherLoad,
      };
    });
  } finally {
    await stopChildren();
  }
}
