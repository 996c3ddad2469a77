import { chatRoute, readChatBody } from "@/lib/chat/door";
import { ChatTurnBody, replyResponse, startChatTurn } from "@/lib/chat/turn";

export const dynamic = "force-dynamic";

/**
 * Door 2: session → capped body → the turn, whose reply runs on the server until it ends or is stopped.
 * `npm start` serves this path on node:http (lib/chat/node-door.ts) with the same functions.
 */
export const POST = chatRoute(async (req, user) =>
  replyResponse(await startChatTurn(user, await readChatBody(req, ChatTurnBody))),
);
