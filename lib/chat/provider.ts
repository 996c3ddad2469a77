import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { chatCompletion, type Caller, type CompletionHooks } from "@/lib/gateway/core";
import { asAppError, errorResponse } from "@/lib/gateway/errors";
import { ClientAborted } from "@/lib/gateway/upstream";

/**
 * The AI SDK model for door 2. Its fetch calls the gateway core in-process, so the chat UI shares `/v1`'s
 * validation, model map, upstream client, translation and usage ledger, with no HTTP hop and no second client.
 */
export function glmProvider(caller: Caller, hooks: CompletionHooks) {
  const fetchCore = async (_url: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const signal = init?.signal ?? new AbortController().signal;
    try {
      return await chatCompletion(JSON.parse(String(init?.body)), caller, signal, hooks);
    } catch (err) {
      if (err instanceof ClientAborted) throw new DOMException("The user stopped the reply.", "AbortError");
      return errorResponse(asAppError(err));
    }
  };
  return createOpenAICompatible({
    name: "glm",
    baseURL: "http://gateway.internal/v1",
    fetch: fetchCore,
    includeUsage: true,
  });
}
