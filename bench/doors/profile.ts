/**
 * `--profile`: where the server's CPU time goes, per door. For each door a fresh server under `--cpu-prof`
 * is warmed, then runs closed-loop streams of that door only at 32 concurrent; on SIGTERM it writes its
 * profile, which bench/profile-summary.ts summarises from the end of the warm-up on (the steady state). Kept in bench/results/doors-profile.json.
 */
import { mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import { ROOT } from "../lib/build";
import { relative, stopNext } from "../lib/next-server";
import { summariseProfile } from "../profile-summary";
import { runRound } from "./latency";
import type { Door, Rig } from "./setup";
import type { ProfileDoor } from "./types";

export async function profileDoors(
  rig: Rig,
  o: { quick: boolean; log: (m: string) => void },
): Promise<{ doors: ProfileDoor[]; dir: string }> {
  const dir = path.join(ROOT, "bench", ".profiles", `doors-${new Date().toISOString().replace(/[:.]/g, "-")}`);
  const doors: ProfileDoor[] = [];
  const concurrency = 32;
  for (const door of ["v1", "chat"] as Door[]) {
    const sub = path.join(dir, door);
    mkdirSync(sub, { recursive: true });
    const startedAt = Date.now();
    await rig.restartServer({ cpuProfDir: sub });
    const streams = o.quick ? (door === "v1" ? 300 : 96) : door === "v1" ? 4000 : 2000;
    o.log(`profiling ${door}: warm-up, then ${streams} streams at ${concurrency} (server under --cpu-prof)`);
    // Past the JIT's compiling (a few thousand streams: see LatencyPlan.warmStreams), or the profile shows it.
    await runRound(rig, door, 16, o.quick ? (door === "v1" ? 200 : 64) : door === "v1" ? 3000 : 1000);
    // Start-up and warm-up are left out of the summary: the steady state is what a stream costs.
    const skipMs = Date.now() - startedAt;
    const st = await runRound(rig, door, concurrency, streams);
    o.log(
      `  ${door}: TTFT p50 ${st.ttftP50.toFixed(1)} ms, ${st.cpuMsPerStream.toFixed(2)} ms CPU per stream, ${st.errors} failed`,
    );
    await stopNext(rig.server);
    const files = readdirSync(sub).filter((f) => f.endsWith(".cpuprofile"));
    if (!files.length) throw new Error(`no profile written to ${sub}`);
    const file = path.join(sub, files[0]);
    doors.push({ door, concurrency, streams, summary: summariseProfile(file, 25, { skipMs }), file: relative(file) });
  }
  // Leave a plain server running for whatever follows.
  await rig.restartServer();
  return { doors, dir };
}
