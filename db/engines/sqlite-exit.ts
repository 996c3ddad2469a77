/**
 * What a process does with its SQLite connections as it exits (`npm start` stopping after its last stream, a
 * script ending), in order: writes still queued are made (the ledger's batch), the shared transaction they join
 * commits, and the log is copied into the database file. Node runs 'exit' listeners in the order they were
 * added, which would make that order depend on which module happened to be imported first: the ledger's batch,
 * written after the last commit, was left in a transaction nobody committed. One listener runs the steps in turn.
 * Nothing here may wait: at 'exit' no timer or promise runs again.
 */
import "server-only";

type Step = "write" | "commit" | "checkpoint";
const ORDER: readonly Step[] = ["write", "commit", "checkpoint"];
const steps: Record<Step, (() => void)[]> = { write: [], commit: [], checkpoint: [] };

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
