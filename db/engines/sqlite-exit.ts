/**
 * What a process does with its SQLite connections as it exits (`npm start` stopping after its last stream, a
 * script ending), in order: what is known only in memory is queued (a stream's tokens so far), writes still
 * queued are made (the ledger's batch), the shared transaction they join commits, and the log is copied into the
 * database file. Node runs 'exit' listeners in the order they were added, which would make that order depend on
 * which module happened to be imported first: the ledger's batch, written after the last commit, was left in a
 * transaction nobody committed. One listener runs the steps in turn. Nothing here may wait: at 'exit' no timer or
 * promise runs again.
 */
import "server-only";

type Step = "queue" | "write" | "commit" | "checkpoint";
const ORDER: readonly Step[] = ["queue", "write", "commit", "checkpoint"];
const steps: Record<Step, (() => void)[]> = { queue: [], write: [], commit: [], checkpoint: [] };

/** Runs `fn` (synchronously) when the process exits, in its step's turn. */
export function atExit(step: Step, fn: () => void): void {
  steps[step].push(fn);
}

process.once("exit", () => {
  for (const step of ORDER) {
    for (const fn of steps[step]) {
      try {
        fn();
      } catch (err) {
        console.error(`[db] at exit (${step}):`, err);
      }
    }
  }
});
