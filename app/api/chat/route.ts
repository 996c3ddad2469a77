import { chatRoute, readChatBody } from "@/lib/chat/door";
import { ChatTurnBody, startChatTurn } from "@/lib/chat/turn";

export const dynamic = "force-dynamic";

/** Door 2: session → capped body → the turn, whose reply runs on the server until it ends or is stopped. */
export const POST = chatRoute(async (req, user) => startChatTurn(user, await readChatBody(req, ChatTurnBody)));
