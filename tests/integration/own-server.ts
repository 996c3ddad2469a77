import { type ChildProcess, spawn } from "node:child_process";
import { STANDIN_URL, sleep } from "./helpers";

/**
 * A production server of a test's own (npm start's scripts/server.mjs) on a SQLite file of its own, talking to
 * the shared stand-in: for tests that kill, stop or restart the server, which the suite's shared one must outlive.
 */
export class OwnServer {
  readonly port = 5800 + Math.floor(Math.random() * 400);
  readonly base = `http://127.0.0.1:${this.port}`;
  process: ChildProcess | undefined;

  constructor(readonly dbFile: string) {}

  env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      PORT: String(this.port),
      HOSTNAME: "127.0.0.1",
      NODE_ENV: "production",
      DATABASE_URL: `file:${this.dbFile}`,
      UPSTREAM_BASE_URL: `${STANDIN_URL}/api/paas/v4`,
      UPSTREAM_API_KEY: "standin-key",
    };
  }

  /** Whether its process is still running. */
  get running(): boolean {
    return !!this.process && this.process.exitCode === null && this.process.signalCode === null;
  }

  /** Starts it (again) and resolves once it answers its health check. */
  async start(): Promise<void> {
    // Killed a moment ago: gone once its exit is seen.
    if (this.process?.killed) await this.exited();
    // A second one could not listen, and the first would answer the health check in its place.
    if (this.running) throw new Error("the server is already running");
    this.process = spawn(process.execPath, ["--max-old-space-size=192", "scripts/server.mjs"], {
      env: this.env(),
      stdio: "ignore",
    });
    for (let i = 0; i < 240; i++) {
      const up = await fetch(`${this.base}/api/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) return;
      await sleep(250);
    }
    throw new Error("the server did not start");
  }

  /** Resolves with the exit code once the process has ended. */
  exited(): Promise<number | null> {
    const child = this.process;
    if (!child || !this.running) return Promise.resolve(child?.exitCode ?? null);
    return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  }

  kill(signal: NodeJS.Signals): void {
    this.process?.kill(signal);
  }
}
