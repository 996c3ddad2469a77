/**
 * CPU per stream with a door and the pass-through loaded at the same moment: both closed loops run together
 * (the same stand-in serves both), and each round's ratio is the door's CPU per stream ÷ the pass-through's
 * in that round. The latency phase runs the paths one after another, and there the per-round ratio at 32
 * streams spread from 1.13× to 2.42× within one run (the machine's speed moves within seconds); loaded
 * together, both see the same moment. 16 + 16 streams stand for the 32-stream level, 128 + 128 for 256.
 */
import { runRound } from "./latency";
import type { Door, Rig } from "./setup";
import type { PairedCase } from "./types";

export const PAIRED_CASES: { door: Door; perPath: number; count: number }[] = [
  { door: "v1", perPath: 16, count: 1000 },
  { door: "v1", perPath: 128, count: 1536 },
  { door: "chat", perPath: 16, count: 1000 },
];

export async function measurePaired(
  rig: Rig,
  o: { rounds: number; countScale: number; log: (m: string) => void },
): Promise<PairedCase[]> {
  const cases: PairedCase[] = [];
  for (const c of PAIRED_CASES) {
    const count = Math.max(c.perPath, Math.round(c.count * o.countScale));
    o.log(`same moment: ${c.door} and the pass-through, ${c.perPath} streams each, ${o.rounds} rounds of ${count}`);
    const both = () =>
      Promise.all([runRound(rig, c.door, c.perPath, count), runRound(rig, "pass-through", c.perPath, count)]);
    await both(); // warm-up, not kept
    const rounds: PairedCase["rounds"] = [];
    for (let i = 0; i < o.rounds; i++) {
      const [door, pass] = await both();
      rounds.push({ door: door.cpuMsPerStream, pass: pass.cpuMsPerStream, failed: door.errors + pass.errors });
      o.log(
        `  round ${i + 1}: ${c.door} ${door.cpuMsPerStream.toFixed(2)} ms, pass-through ${pass.cpuMsPerStream.toFixed(2)} ms ` +
          `(${(door.cpuMsPerStream / pass.cpuMsPerStream).toFixed(2)}×)`,
      );
    }
    cases.push({ ...c, count, rounds });
  }
  return cases;
}
