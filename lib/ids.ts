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
export const newId = (): string => v7();
