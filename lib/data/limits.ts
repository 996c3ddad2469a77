/**
 * The bounds of an import, shared by the browser (which checks the whole file before sending anything) and
 * the server (which checks every batch again: the browser is not trusted).
 */
export const IMPORT_LIMITS = {
  /** The file as a whole. */
  fileBytes: 100 * 1024 * 1024,
  conversations: 10_000,
  /** Nesting of the JSON text: our archive needs ~8 levels, ChatGPT's export ~12. */
  depth: 40,
  messagesPerConversation: 50_000,
  /** ChatGPT keeps every edit and regeneration as a node, so a conversation has more nodes than messages. */
  nodesPerConversation: 200_000,
  titleChars: 500,
  idChars: 200,
  modelChars: 100,
  messageChars: 1_000_000,
  attachmentsPerMessage: 20,
  attachmentNameChars: 255,
  attachmentTextChars: 2_000_000,
  /** A reply's web sources (Zhipu returns about ten). */
  sourcesPerMessage: 50,
  sourceUrlChars: 2048,
  sourceTitleChars: 500,
  /**
   * One batch's JSON body, in UTF-8 bytes. Server actions and the proxy cap bodies at 1 MB
   * (next.config.mjs), so a batch stays well under it; a single message bigger than this cannot be sent and is
   * refused with the rest of the file before anything is written.
   */
  batchBytes: 900_000,
} as const;

export const ARCHIVE_FORMAT = "glm-chat.export";
export const ARCHIVE_VERSION = 1;
