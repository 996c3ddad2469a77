/**
 * How often the chat page shows a streaming reply's new text: it renders at most this often
 * (components/chat/chat.tsx, `experimental_throttle`), and the server sends a reader new text at most this often
 * (lib/chat/live-replies.ts `follow`). A write between two renders shows nothing sooner, and each costs the
 * server a system call and a wake-up of the reader. API clients (/v1) get every chunk as it comes.
 */
export const RENDER_EVERY_MS = 50;
