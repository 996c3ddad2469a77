import { v7 } from "uuid";

/**
 * Ids of conversations and messages, made by the server and by the chat page (useChat's `generateId`): UUIDv7
 * (RFC 9562), whose first 48 bits are the time in ms and the rest random. Rows made one after another get
 * neighbouring ids, so each insert lands on the last page of an id index (conversations, messages, messages by
 * conversation), which the turn's commit writes anyway, not on a random page of its own: a chat turn's commit
 * wrote ~12 pages with random ids and ~9 with these (a replay of a turn's statements), and in a database
 * larger than SQLite's page cache a random insert is a read too. 74 random bits keep an id unguessable; every
 * query checks the owner anyway. Ids made before (random UUIDs, imports, older pages) stay valid.
 */
export function newId(): string {
  if (!randomUUID) return v7();
  // The runtime's random UUID with the time in its first 48 bits (and version 7): Node draws it from a cached
  // pool, ~0.3 µs, where 16 fresh random bytes (uuid's own v7) took ~4 µs on the server. Ids made within one
  // millisecond are in no particular order among themselves; that is all the indexes need.
  const time = Date.now().toString(16).padStart(12, "0");
  return `${time.slice(0, 8)}-${time.slice(8)}-7${randomUUID().slice(15)}`;
}

/** Absent on pages served over plain http (not a secure context): those take uuid's v7. */
const randomUUID: (() => string) | undefined = globalThis.crypto?.randomUUID?.bind(globalThis.crypto);
