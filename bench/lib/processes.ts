/** Child processes of a benchmark (started, awaited, all stopped at the end), free ports and health checks. */
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import http from "node:http";
import net from "node:net";

// ---------------------------------------------------------------- child processes

const children = new Set<ChildProcess>();

export interface Child {
  proc: ChildProcess;
  name: string;
  /** Everything written to stdout and stderr so far (for error reports). */
  output: () => string;
  /** Resolves with the first match of `re` on stdout (rejects on exit or timeout). */
  waitFor: (re: RegExp, timeoutMs: number) => Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

export function startChild(
  name: string,
  cmd: string,
  args: string[],
  opts: SpawnOptions & { echo?: boolean } = {},
): Child {
  const proc = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], ...opts });
  children.add(proc);
  let out = "";
  const append = (b: Buffer) => {
    out += b.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
    if (opts.echo) process.stderr.write(`[${name}] ${b}`);
  };
  proc.stdout!.on("data", append);
  proc.stderr!.on("data", append);
  const exited = new Promise<number | null>((resolve) =>
    proc.on("exit", (code, sig) => {
      children.delete(proc);
      resolve(code ?? (sig ? -1 : null));
    }),
  );
  const waitFor = (re: RegExp, timeoutMs: number) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const m = re.exec(out);
        if (m) {
          done();
          resolve(m);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${name}: no ${re} within ${timeoutMs} ms; output:\n${out.slice(-4000)}`));
      }, timeoutMs);
      const onExit = (code: number | null) => {
        done();
        reject(new Error(`${name} exited (${code}) before ${re}; output:\n${out.slice(-4000)}`));
      };
      const done = () => {
        clearTimeout(timer);
        proc.stdout!.off("data", check);
        proc.off("exit", onExit);
      };
      proc.stdout!.on("data", check);
      proc.on("exit", onExit);
      check();
    });
  return { proc, name, output: () => out, waitFor, exited };
}

/** SIGTERM every child still running, wait up to `graceMs`, then SIGKILL what is left. */
export async function stopChildren(graceMs = 3000): Promise<void> {
  const alive = [...children];
  if (!alive.length) return;
  const gone = alive.map(
    (p) => new Promise<void>((r) => (p.exitCode !== null || p.signalCode !== null ? r() : p.once("exit", () => r()))),
  );
  for (const p of alive) p.kill("SIGTERM");
  await Promise.race([Promise.all(gone), new Promise((r) => setTimeout(r, graceMs))]);
  for (const p of children) p.kill("SIGKILL");
}

/** Last resort, synchronous (for process 'exit'). */
export function killChildrenNow(): void {
  for (const p of children) {
    try {
      p.kill("SIGKILL");
    } catch {
      /* already gone */
    }
  }
}

/** Runs a command to completion; resolves with stdout, rejects with the output on a non-zero exit. */
export async function runToEnd(
  name: string,
  cmd: string,
  args: string[],
  opts: SpawnOptions & { echo?: boolean } = {},
  timeoutMs = 300_000,
): Promise<string> {
  const child = startChild(name, cmd, args, opts);
  let stdout = "";
  child.proc.stdout!.on("data", (b: Buffer) => (stdout += b.toString()));
  const timer = setTimeout(() => child.proc.kill("SIGKILL"), timeoutMs);
  const code = await child.exited;
  clearTimeout(timer);
  if (code !== 0) throw new Error(`${name} failed (exit ${code}):\n${child.output().slice(-6000)}`);
  return stdout;
}

// ---------------------------------------------------------------- network

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export function httpGet(port: number, path: string, timeoutMs = 2000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path, agent: false, timeout: timeoutMs }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
  });
}

export async function waitForHealth(port: number, path: string, timeoutMs: number, child?: Child): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    if (child && child.proc.exitCode !== null) {
      throw new Error(
        `${child.name} exited (${child.proc.exitCode}) before ${path} answered:\n${child.output().slice(-4000)}`,
      );
    }
    try {
      const r = await httpGet(port, path);
      if (r.status === 200) return;
      last = `HTTP ${r.status} ${r.body.slice(0, 200)}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await sleep(150);
  }
  throw new Error(
    `GET ${path} on port ${port} not healthy within ${timeoutMs} ms (last: ${last})` +
      (child ? `\n${child.output().slice(-4000)}` : ""),
  );
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An API key made with the CLI people use (scripts/keys.ts), against the database `env` names. */
export async function createKeyWithCli(root: string, env: NodeJS.ProcessEnv, name: string): Promise<string> {
  const out = await runToEnd(
    "keys",
    process.execPath,
    ["--import", "tsx", "scripts/keys.ts", "create", "--name", name],
    { cwd: root, env },
    120_000,
  );
  const key = out.trim().split("\n").pop()?.trim() ?? "";
  if (!key.startsWith("sk-")) throw new Error(`scripts/keys.ts did not print a key:\n${out}`);
  return key;
}

/** Runs a benchmark's main: its children stopped at the end, exit code 1 (with the stack) on failure. */
export function runBench(main: () => Promise<void>) {
  main().then(
    async () => {
      await stopChildren(15_000);
      process.exit(0);
    },
    async (err) => {
      console.error(err instanceof Error ? (err.stack ?? err.message) : err);
      await stopChildren(15_000);
      process.exit(1);
    },
  );
}
