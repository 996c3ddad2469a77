import { createRequire } from "node:module";

/** Where the conversation page's time goes: in-process server rendering of the big conversation's markdown, in parts. */

export interface RenderDiagnosis {
  assistantMessages: number;
  /** renderToString of the app's <Markdown> for every assistant message of the big conversation, CPU ms. */
  appMarkdownMs: number;
  /** The same through react-markdown + remark-gfm only (no rehype-highlight), CPU ms. */
  noHighlightMs: number;
  /** Building a highlight.js highlighter once per assistant message, as rehype-highlight did before the app
   * switched to one shared highlighter (components/chat/highlight.ts), CPU ms. */
  highlightSetupMs: number;
  /** The app's <Markdown> for the assistant messages among the newest 50 messages, CPU ms. */
  newest50Ms: number;
}

/** CPU time after one warm-up run. */
export async function diagnoseRender(texts: { role: string; content: string }[]): Promise<RenderDiagnosis> {
  const { createElement } = await import("react");
  const { renderToString } = await import("react-dom/server");
  // Loaded with require, as the component's own import of next-intl is under tsx: a dynamic import() gave a
  // second copy of the module, whose provider the component could not see ("no context found").
  const { NextIntlClientProvider } = createRequire(import.meta.url)("next-intl");
  const messages = (await import("@/lib/i18n/messages/en.json")).default;
  const { Markdown } = await import("@/components/chat/markdown");
  const ReactMarkdown = (await import("react-markdown")).default;
  const remarkGfm = (await import("remark-gfm")).default;
  const { common, createLowlight } = await import("lowlight");
  const assistant = texts.filter((m) => m.role === "assistant").map((m) => m.content);
  const newest = texts
    .slice(-50)
    .filter((m) => m.role === "assistant")
    .map((m) => m.content);
  const cpu = (fn: () => unknown, runs = 1) => {
    fn();
    const c0 = process.cpuUsage();
    for (let i = 0; i < runs; i++) fn();
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000 / runs;
  };
  // The page renders messages inside next-intl's provider (the code block's Copy button is translated).
  const render = (list: string[]) =>
    renderToString(
      createElement(
        NextIntlClientProvider,
        { locale: "en", messages, timeZone: "UTC" },
        createElement(
          "div",
          null,
          list.map((text, i) => createElement(Markdown, { key: i, text })),
        ),
      ),
    );
  return {
    assistantMessages: assistant.length,
    appMarkdownMs: cpu(() => render(assistant)),
    noHighlightMs: cpu(() =>
      renderToString(
        createElement(
          "div",
          null,
          assistant.map((text, i) => createElement(ReactMarkdown, { key: i, remarkPlugins: [remarkGfm] }, text)),
        ),
      ),
    ),
    highlightSetupMs: cpu(() => {
      for (let i = 0; i < assistant.length; i++) createLowlight(common);
    }),
    newest50Ms: cpu(() => render(newest), 5),
  };
}
