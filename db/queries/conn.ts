import type { Db } from "@/db";

/** The database or a transaction on it, for queries that are also used inside a transaction. */
export type Conn = Db | Parameters<Parameters<Db["transaction"]>[0]>[0];
