import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { GlobalRegistrator } from "@happy-dom/global-registrator";
import type { ConversationListItem } from "@/lib/chat/types";

/*
 * The sidebar's search hook in a real React render (happy-dom stands in for the browser). In the browser,
 * Next runs server actions one at a time, so the race cannot be staged there through the action; here the
 * fetcher is a stand-in whose answers can arrive in any order.
 */
before(() => {
  GlobalRegistrator.register();
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
});
after(() => GlobalRegistrator.unregister());

const item = (title: string): ConversationListItem => ({ id: title, title, model: "GLM-4-Flash", updatedAt: 0 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function renderSearch(fetcher: (q: string) => Promise<ConversationListItem[]>) {
  // Imported once a DOM exists: SWR decides at import time whether it runs in a browser.
  const { createElement } = await import("react");
  const { act } = await import("react");
  const { createRoot } = await import("react-dom/client");
  const { SWRConfig } = await import("swr");
  const { useConversationSearch } = await import("@/components/sidebar/use-search");
  const shown: (string[] | null)[] = [];
  let latest: ReturnType<typeof useConversationSearch> | undefined;
  function Probe({ query }: { query: string }) {
    latest = useConversationSearch(query, fetcher, 10);
    shown.push(latest.results?.map((r) => r.title) ?? null);
    return null;
  }
  const root = createRoot(document.createElement("div"));
  const render = (query: string) =>
    act(async () => {
      // A cache of its own, so each case starts empty.
      root.render(
        createElement(
          SWRConfig,
          { value: { provider: () => new Map(), dedupingInterval: 0 } },
          createElement(Probe, { query }),
        ),
      );
    });
  const wait = (ms: number) => act(() => sleep(ms));
  return { render, wait, shown, latest: () => latest!, unmount: () => act(async () => root.unmount()) };
}

describe("sidebar search: only the newest query's results show", () => {
  test("an older query's answer arriving last never replaces the newer one's", async () => {
    const answers: Record<string, { ms: number; items: ConversationListItem[] }> = {
      ab: { ms: 150, items: [item("abacus"), item("abc notes")] },
      abc: { ms: 10, items: [item("abc notes")] },
    };
    const asked: string[] = [];
    const s = await renderSearch(async (q) => {
      asked.push(q);
      await sleep(answers[q].ms);
      return answers[q].items;
    });
    await s.render("ab");
    await s.wait(40); // the debounce has passed: "ab" is on its way (slow)
    await s.render("abc");
    await s.wait(300); // "abc" answers first, then "ab"
    assert.deepEqual(asked, ["ab", "abc"]);
    assert.deepEqual(
      s.latest().results?.map((r) => r.title),
      ["abc notes"],
    );
    assert.equal(s.latest().stale, false);
    // Once "abc"'s results were shown, "ab"'s never came back.
    const first = s.shown.findIndex((r) => r?.length === 1);
    assert.ok(first >= 0);
    assert.ok(
      s.shown.slice(first).every((r) => r?.length === 1 && r[0] === "abc notes"),
      JSON.stringify(s.shown),
    );
    await s.unmount();
  });

  test("while the newer answer is on its way the previous results stay, marked stale; an empty box shows none", async () => {
    const s = await renderSearch(async (q) => {
      await sleep(q === "xyz" ? 100 : 5);
      return [item(`${q} result`)];
    });
    await s.render("xy");
    await s.wait(60);
    assert.deepEqual(
      s.latest().results?.map((r) => r.title),
      ["xy result"],
    );
    await s.render("xyz");
    await s.wait(40);
    assert.deepEqual(
      s.latest().results?.map((r) => r.title),
      ["xy result"],
    );
    assert.equal(s.latest().stale, true);
    await s.wait(150);
    assert.deepEqual(
      s.latest().results?.map((r) => r.title),
      ["xyz result"],
    );
    assert.equal(s.latest().stale, false);
    await s.render("  ");
    assert.equal(s.latest().results, null);
    await s.unmount();
  });
});
