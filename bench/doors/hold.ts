/**
 * Memory with many streams open at once: `streams` streams of one door opened together (in batches of 50,
 * 25 ms apart, so the listen backlog is not what is measured), each read to its end; the RSS of the server's
 * whole process tree sampled every 250 ms from before the first request until the last stream has ended.
 * Every stream must complete (HTTP 200, all its content, `[DONE]`).
 */
import http from "node:http";
import type { Sample } from "../lib/streams";
import { mb, median, sleep, TICKS_PER_SECOND, treeCpuTicks, treeRss } from "../support";
import type { Rig } from "./setup";
import type { HoldResult } from "./types";

export async function holdOpen(
  rig: Rig,
  door: "v1" | "chat",
  streams: number,
  words: number,
  delayMs: number,
  log: (m: string) => void,
): Promise<HoldResult> {
  const markers = `[words:${words}][delay:${delayMs}]`;
  const pid = rig.server.proc.pid!;
  const agent = new http.Agent({ keepAlive: false, maxSockets: streams + 64 });
  const before = treeRss(pid);
  const cpu0 = treeCpuTicks(pid);
  const rss: { at: number; bytes: number }[] = [];
  let processes = before.processes;
  const t0 = performance.now();
  const sampler = setInterval(() => {
    const r = treeRss(pid);
    rss.push({ at: performance.now() - t0, bytes: r.bytes });
    processes = Math.max(processes, r.processes);
  }, 250);

  // Every stream's start (ms after t0) with its sample: it is open from start + ttft to start + total.
  const held: Promise<{ start: number; s: Sample }>[] = [];
  // Long enough for every stream to open on a slow server and then run its whole reply.
  const timeoutMs = words * delayMs + 150_000;
  for (let i = 0; i < streams; i += 50) {
    for (let j = i; j < Math.min(streams, i + 50); j++) {
      const start = performance.now() - t0;
      held.push(
        rig
          .one(door, agent, { prompt: `Keep talking for a while. ${markers}`, timeoutMs, expectFrames: words })
          .then((s) => ({ start, s })),
      );
    }
    await sleep(25);
  }
  const progress = setInterval(
    () => log(`  hold ${door}: ${((performance.now() - t0) / 1000).toFixed(0)} s …`),
    30_000,
  );
  const results = await Promise.all(held);
  clearInterval(progress);
  clearInterval(sampler);
  const cpuS = (treeCpuTicks(pid) - cpu0) / TICKS_PER_SECOND;
  agent.destroy();

  const intervals = results
    .filter((r) => Number.isFinite(r.s.ttft))
    .map((r) => ({ open: r.start + r.s.ttft, close: r.start + r.s.total }));
  const openAt = (t: number) => intervals.filter((iv) => iv.open <= t && t < iv.close).length;
  // Most open at once: a sweep over the open/close events.
  const events = intervals.flatMap((iv) => [
    { t: iv.open, d: 1 },
    { t: iv.close, d: -1 },
  ]);
  events.sort((a, b) => a.t - b.t || a.d - b.d);
  let open = 0;
  let maxOpenAtOnce = 0;
  for (const e of events) maxOpenAtOnce = Math.max(maxOpenAtOnce, (open += e.d));
  const whileOpen = rss.filter((s) => openAt(s.at) >= 0.95 * maxOpenAtOnce).map((s) => s.bytes);

  await sleep(2000);
  const after = treeRss(pid);
  const failed = results.filter((r) => !r.s.ok);
  const died = rig.server.proc.exitCode !== null || rig.server.proc.signalCode !== null;
  const serverExit = died
    ? exitReport(rig.server.proc.exitCode, rig.server.proc.signalCode, rig.server.output())
    : undefined;
  const result: HoldResult = {
    door,
    markers,
    words,
    delayMs,
    streams,
    completed: results.length - failed.length,
    failed: failed.length,
    firstError: failed[0]?.s.error,
    delivered: intervals.length,
    allDeliveringS: Math.max(...intervals.map((iv) => iv.open)) / 1000,
    maxOpenAtOnce,
    allDoneS: Math.max(...results.map((r) => r.start + r.s.total)) / 1000,
    rssBeforeMb: mb(before.bytes),
    rssPeakMb: mb(Math.max(...rss.map((s) => s.bytes))),
    rssMedianOpenMb: mb(median(whileOpen)),
    rssAfterMb: died ? Number.NaN : mb(after.bytes),
    // A dead server's ticks are gone with it.
    cpuS: died ? Number.NaN : cpuS,
    processes,
    serverExit,
  };
  log(
    `hold ${door} ${markers}: ${result.completed}/${streams} completed (${result.failed} failed${result.firstError ? `: ${result.firstError}` : ""}), ` +
      `${maxOpenAtOnce} open at once, all delivering by ${result.allDeliveringS.toFixed(1)} s, done by ${result.allDoneS.toFixed(1)} s; ` +
      `RSS ${result.rssBeforeMb.toFixed(0)} MB before, peak ${result.rssPeakMb.toFixed(0)}, median while open ` +
      `${result.rssMedianOpenMb.toFixed(0)}, ${result.rssAfterMb.toFixed(0)} MB 2 s after` +
      (serverExit ? `; THE SERVER DIED: ${serverExit}` : ""),
  );
  return result;
}

/** "signal SIGABRT: FATAL ERROR: … JavaScript heap out of memory", or the last line the server printed. */
function exitReport(code: number | null, signal: string | null, output: string): string {
  const how = signal ? `signal ${signal}` : `exit code ${code}`;
  const lines = output.split("\n").map((l) => l.trim());
  const last = lines.find((l) => /FATAL ERROR|heap out of memory/.test(l)) ?? lines.filter(Boolean).at(-1) ?? "";
  return `${how}: ${last.slice(0, 200)}`;
}
