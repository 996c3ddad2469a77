import ja from "../../lib/i18n/messages/ja.json";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "./fixtures";
import { ChatPage } from "./pages";
import { freshAccount } from "./users";

/** What a person hits on a phone and a desktop (issue 11): each test fails on the code before its fix. */

const TITLE = "Autumn leaves around Kyoto temples";
const LONG = "A very long title that cannot possibly fit into the sidebar row at all";

/** Two conversations; the first (not the open one) is checked for room. */
async function twoConversations(chat: ChatPage) {
  await chat.send(TITLE);
  await chat.page.goto("/"); // New chat is inside the closed drawer on a phone
  await chat.send(LONG);
}
/** Whether a link's text is cut (its content is wider than its box). */
const isCut = (el: HTMLElement) => el.scrollWidth > el.clientWidth;

/** The seeded member (or an account of its own, where a test needs its sidebar to itself), on a new conversation. */
function signedIn(who: "member" | "fresh" = "member") {
  test.use({ signedInAs: who });
  test.beforeEach(async ({ page }) => {
    await new ChatPage(page).open();
  });
}

test.describe("signed in", () => {
  signedIn();

  test("a refused setting keeps every field as typed and is explained once, by its field", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.send("settings that stay");
    await page.getByRole("button", { name: "Conversation settings" }).click();
    const dialog = page.getByRole("dialog", { name: "Conversation settings" });
    await dialog.getByLabel("System prompt").fill("Answer in haiku");
    await dialog.getByLabel("Temperature").fill("1.2");
    await dialog.getByLabel("Top P").fill("0.5");
    await dialog.getByLabel("Max tokens").fill("999999");
    await dialog.getByRole("button", { name: "Save" }).click();

    const temperature = dialog.getByLabel("Temperature");
    await expect(temperature).toHaveAttribute("aria-invalid", "true");
    await expect(temperature).toHaveAccessibleDescription("Temperature must be between 0 and 1.");
    await expect(dialog.getByLabel("Max tokens")).toHaveAccessibleDescription(/^Max tokens can be at most 4095/);
    await expect(dialog.getByText(/temperature/i)).toHaveCount(2); // the label and its message, nothing else
    await expect(dialog.getByLabel("System prompt")).toHaveValue("Answer in haiku");
    await expect(temperature).toHaveValue("1.2");
    await expect(dialog.getByLabel("Top P")).toHaveValue("0.5");
    await expect(dialog.getByLabel("Top P")).not.toHaveAttribute("aria-invalid", "true");

    await temperature.fill("0.3");
    await dialog.getByLabel("Max tokens").fill("");
    await dialog.getByRole("button", { name: "Save" }).click();
    await expect(dialog).toHaveCount(0);
    await page.getByRole("button", { name: "Conversation settings" }).click();
    await expect(dialog.getByLabel("System prompt")).toHaveValue("Answer in haiku");
    await expect(dialog.getByLabel("Temperature")).toHaveValue("0.3");
    await expect(dialog.getByLabel("Temperature")).not.toHaveAttribute("aria-invalid", "true");
  });

  test("a new conversation's tab is named by its first message, not New chat", async ({ page }) => {
    await expect(page).toHaveTitle("New chat · glm-chat");
    await new ChatPage(page).send("Tab title check please");
    await expect(page).toHaveTitle("Tab title check please · glm-chat");
  });

  test("a dialog gives focus back to the button that opened it", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.send("Focus test conversation");
    const openers = [
      page.getByRole("button", { name: "Conversation settings" }),
      page.getByRole("button", { name: "Share", exact: true }),
      chat.sidebarItem("Focus test conversation").getByRole("button", { name: "Rename" }),
    ];
    for (const opener of openers) {
      // As a keyboard user opens it, and closes it with Escape.
      await opener.focus();
      await page.keyboard.press("Enter");
      await expect(page.getByRole("dialog")).toBeVisible();
      await page.keyboard.press("Escape");
      await expect(page.getByRole("dialog")).toHaveCount(0);
      await expect(opener).toBeFocused();
    }
  });

  test("sidebar titles use the row's full width and only a title too long for it ends in an ellipsis", async ({
    page,
  }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    const chat = new ChatPage(page);
    await twoConversations(chat);
    await page.mouse.move(900, 400);
    await expect(chat.sidebarLink(TITLE)).toHaveText(TITLE);
    expect(await chat.sidebarLink(TITLE).evaluate(isCut)).toBe(false);
    expect(await chat.sidebarLink(/^A very long title/).evaluate(isCut)).toBe(true);
    await expect(chat.sidebarLink(/^A very long title/)).toHaveCSS("text-overflow", "ellipsis");
    // Rename and Delete appear on hover.
    await chat.sidebarItem(TITLE).hover();
    await expect(chat.sidebarItem(TITLE).getByRole("button", { name: "Rename" })).toHaveCSS("opacity", "1");
  });
});

test.describe("drafts and long messages", () => {
  signedIn("fresh");

  test("a draft is kept per conversation when switching away and back, and across a reload", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.send("a conversation to leave a draft in");
    const conversation = page.url();
    await chat.composer.fill("half a thought");
    await page.getByRole("link", { name: "New chat" }).click();
    await expect(page).toHaveURL(/\/$/);
    await expect(chat.composer).toHaveValue("");
    await chat.composer.fill("a new chat's draft");
    await page.getByRole("link", { name: /conversation to leave a draft in/i }).click();
    await expect(chat.composer).toHaveValue("half a thought");
    await page.reload();
    await expect(chat.composer).toHaveValue("half a thought");
    await page.goto("/");
    await expect(chat.composer).toHaveValue("a new chat's draft");
    // Sent, a draft is gone; the new conversation's next draft is its own, not the next new chat's.
    await chat.composer.press("Enter");
    await chat.waitForIdle();
    await expect(chat.composer).toHaveValue("");
    await chat.composer.fill("a follow-up, not yet sent");
    await page.goto("/");
    await expect(chat.composer).toHaveValue("");
    await page.goto(conversation);
    await expect(chat.composer).toHaveValue("half a thought");
  });

  test("a very long message of the user's is folded, and unfolds", async ({ page }) => {
    const chat = new ChatPage(page);
    const lines = Array.from({ length: 60 }, (_, i) => `log line ${i + 1}`).join("\n");
    await chat.send(lines);
    const message = chat.userMessages.last();
    const more = message.getByRole("button", { name: "Show more" });
    await expect(more).toHaveAttribute("aria-expanded", "false");
    const folded = (await message.boundingBox())!.height;
    await more.click();
    await expect(message.getByRole("button", { name: "Show less" })).toHaveAttribute("aria-expanded", "true");
    expect((await message.boundingBox())!.height).toBeGreaterThan(folded * 1.5);
    // A short message has nothing to fold.
    await chat.send("short");
    await expect(chat.userMessages.last().getByRole("button", { name: "Show more" })).toHaveCount(0);
  });
});

test.describe("keyboard", () => {
  signedIn("fresh");

  test("shortcuts: copy the last reply, go to the message box, list them, start a new chat", async ({
    page,
    context,
  }) => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    const chat = new ChatPage(page);
    await chat.send("shortcut practice");
    const reply = await chat.assistantMessages
      .last()
      .getByText(/simulated reply/)
      .innerText();

    // ⌘/Ctrl+Shift+C: the last reply's text, said so on the page.
    await page.keyboard.press("Control+Shift+C");
    await expect(page.getByRole("status").filter({ hasText: "Copied the last reply" })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toContain(reply);

    // Shift+Esc: back to the message box from anywhere on the page.
    await page.getByRole("link", { name: "New chat" }).focus();
    await page.keyboard.press("Shift+Escape");
    await expect(chat.composer).toBeFocused();

    // ⌘/Ctrl+/ lists them; so does the sidebar's button, for whoever knows none.
    await page.keyboard.press("Control+/");
    const list = page.getByRole("dialog", { name: "Keyboard shortcuts" });
    await expect(list.getByRole("row")).toHaveText([
      /New chat\s*Ctrl\s*\+\s*Shift\s*\+\s*O/,
      /Go to the message box\s*Shift\s*\+\s*Esc/,
      /Copy the last reply\s*Ctrl\s*\+\s*Shift\s*\+\s*C/,
      /Show keyboard shortcuts\s*Ctrl\s*\+\s*\//,
    ]);
    await page.keyboard.press("Escape");
    await expect(list).toBeHidden();
    await page.getByRole("button", { name: "Keyboard shortcuts" }).click();
    await expect(list).toBeVisible();
    await page.keyboard.press("Escape");

    // ⌘/Ctrl+Shift+O: a new chat, ready to type in.
    await page.keyboard.press("Control+Shift+O");
    await expect(page).toHaveURL(/\/$/);
    await expect(chat.assistantMessages).toHaveCount(0);
    await expect(chat.composer).toBeFocused();
  });

  test("an inline edit gives focus back: to its Edit button when cancelled, to the message box once sent", async ({
    page,
  }) => {
    const chat = new ChatPage(page);
    await chat.send("a question to edit");
    const edit = chat.userMessages.last().getByRole("button", { name: "Edit", exact: true });
    const box = page.getByRole("textbox", { name: "Edit message" });

    await edit.focus();
    await page.keyboard.press("Enter");
    await expect(box).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(box).toHaveCount(0);
    await expect(edit).toBeFocused();

    await page.keyboard.press("Enter");
    await expect(box).toBeFocused();
    await page.keyboard.press("Tab");
    await expect(page.getByRole("button", { name: "Cancel" })).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(box).toHaveCount(0);
    await expect(edit).toBeFocused();

    await page.keyboard.press("Enter");
    await box.fill("an edited question");
    await box.press("Enter");
    await expect(box).toHaveCount(0);
    await expect(chat.composer).toBeFocused();
    await chat.waitForIdle();
    await expect(chat.lastReply()).toContainText("an edited question");
    await expect(chat.composer).toBeFocused();
  });
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 } });
  // Accounts of their own: the focus trap is walked around the drawer's every control, and the desktop
  // test above makes conversations of the same titles on the member.
  signedIn("fresh");

  test("the sidebar drawer traps focus, closes on Escape and gives focus back", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.send("Drawer test conversation");
    const openButton = page.getByRole("button", { name: "Open sidebar" });
    await openButton.click();
    const drawer = page.getByRole("dialog", { name: "Conversations" });
    await expect(drawer.getByRole("link", { name: "Drawer test conversation" })).toBeVisible();
    await expect(drawer.getByRole("button", { name: "Close sidebar" })).toBeVisible();
    // Focus stays inside: tabbing through every control never reaches the composer behind.
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press("Tab");
      expect(await drawer.evaluate((el) => el.contains(document.activeElement))).toBe(true);
    }
    await page.keyboard.press("Escape");
    await expect(drawer).toHaveCount(0);
    await expect(openButton).toBeFocused();

    await openButton.click();
    await drawer.getByRole("button", { name: "Close sidebar" }).click();
    await expect(drawer).toHaveCount(0);
    await expect(openButton).toBeFocused();
  });

  test("scrolled up while a reply streams, the reader stays put; a button takes them to the latest", async ({
    page,
  }) => {
    const chat = new ChatPage(page);
    await chat.send("First question, to read again while the next reply streams");
    // About 16 s of reply (longer under load), long enough to overflow the phone's screen many times.
    await chat.send("[words:800][delay:20] a long answer, please", { wait: false });
    await expect(chat.lastReply()).toContainText("simulated reply");
    const first = chat.userMessages.first();
    const latest = page.getByRole("button", { name: "Scroll to the latest message" });
    await expect(latest).toHaveCount(0);
    // Following the stream, the first question has gone off the top.
    await expect(first).not.toBeInViewport();
    // Read from the top: the wheel over the thread, as a person scrolls (well past the top; it stops there).
    await page.mouse.move(195, 400);
    for (let i = 0; i < 6; i++) await page.mouse.wheel(0, -2000);
    await expect(latest).toBeVisible();
    await expect(first).toBeInViewport();
    // The reply goes on streaming and the reader is not pulled down.
    const grown = (await chat.lastReply().innerText()).length;
    await expect.poll(async () => (await chat.lastReply().innerText()).length).toBeGreaterThan(grown + 200);
    await expect(first).toBeInViewport();
    await latest.click();
    await expect(latest).toHaveCount(0);
    await expect(chat.stopButton).toBeVisible();
    // Back at the end, it follows the stream again.
    await chat.waitForIdle({ timeout: 60_000 });
    await expect(chat.lastReply().getByRole("button", { name: "Copy", exact: true })).toBeInViewport();
  });

  test.describe("with a touch screen (no hover)", () => {
    test.use({ hasTouch: true });

    test("every conversation's Rename and Delete can be reached, not only the open one's", async ({ page }) => {
      const chat = new ChatPage(page);
      await twoConversations(chat);
      await page.getByRole("button", { name: "Open sidebar" }).click();
      const row = page.getByRole("dialog", { name: "Conversations" }).getByRole("listitem").filter({ hasText: TITLE });
      // Shown only on hover before, which a finger cannot do: there, but transparent and not tappable.
      for (const name of ["Rename", "Delete"]) {
        await expect(row.getByRole("button", { name })).toHaveCSS("opacity", "1");
        await expect(row.getByRole("button", { name })).toHaveCSS("pointer-events", "auto");
      }
      await row.getByRole("button", { name: "Rename" }).tap();
      await expect(page.getByRole("dialog", { name: "Rename conversation" })).toBeVisible();
    });
  });

  test("a message with a long URL wraps inside its bubble; the share dialog closes by a button, no Escape key", async ({
    page,
  }) => {
    const chat = new ChatPage(page);
    const url = `https://example.com/docs/${"abcdefghij".repeat(25)}`;
    await chat.send(`Please summarise ${url} thanks`);
    // Before the fix the bubble was as wide as the URL and grew off the screen's left edge.
    const bubble = await chat.userMessages.last().getByText("Please summarise").boundingBox();
    expect(bubble?.x).toBeGreaterThanOrEqual(0);
    expect((bubble?.x ?? 0) + (bubble?.width ?? 0)).toBeLessThanOrEqual(390);

    const share = await chat.openShareDialog();
    const link = await share.createLink();
    await share.button("Close").click();
    await expect(share.dialog).toHaveCount(0);
    // The shared page's heading (the title, the URL's first words) wraps too: no sideways scrolling.
    await page.goto(link);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  });

  test("sidebar titles use the drawer's full width", async ({ page }) => {
    const chat = new ChatPage(page);
    await twoConversations(chat);
    await page.getByRole("button", { name: "Open sidebar" }).click();
    const link = page.getByRole("dialog", { name: "Conversations" }).getByRole("link", { name: TITLE });
    await expect(link).toBeVisible();
    await page.mouse.move(380, 800);
    expect(await link.evaluate(isCut)).toBe(false);
  });
});

test.describe("a server in demo mode (no UPSTREAM_API_KEY)", () => {
  let server: ChildProcess;
  let dir: string;
  let base: string;

  test.beforeAll(async () => {
    test.setTimeout(90_000);
    dir = mkdtempSync(path.join(tmpdir(), "glm-ux-demo-"));
    const port = 5800 + Math.floor(Math.random() * 400);
    base = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: `file:${dir}/app.db`,
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
    };
    delete env.UPSTREAM_API_KEY;
    delete env.UPSTREAM_BASE_URL;
    server = spawn(process.execPath, ["scripts/server.mjs"], { env, stdio: "ignore", detached: true });
    await expect
      .poll(
        () =>
          fetch(`${base}/api/health`).then(
            (r) => r.ok,
            () => false,
          ),
        { timeout: 60_000 },
      )
      .toBe(true);
  });
  test.afterAll(() => {
    try {
      process.kill(-server.pid!, "SIGTERM");
    } catch {}
    rmSync(dir, { recursive: true, force: true });
  });

  test("the demo notice is one line on a phone, names the variable, and stays dismissed in this browser", async ({
    openPage,
  }) => {
    const page = await openPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${base}/login`);
    const notice = page.getByRole("status", { name: "Demo mode" });
    await expect(notice).toBeVisible();
    await expect(notice).toContainText("UPSTREAM_API_KEY");
    expect((await notice.boundingBox())!.height).toBeLessThan(48); // one line beside the 28 px button; four were ~100
    await notice.getByRole("button", { name: "Dismiss demo notice" }).click();
    await expect(notice).toHaveCount(0);
    await page.reload();
    await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
    await expect(notice).toHaveCount(0);
    await page.context().close();

    const fresh = await openPage();
    await fresh.goto(`${base}/login`);
    await expect(fresh.getByRole("status", { name: "Demo mode" })).toBeVisible();
  });

  test("a shared page says it is a demo and dates the share in the reader's language and time zone", async ({
    openPage,
  }) => {
    test.setTimeout(90_000);
    const owner = new ChatPage(
      await openPage({ baseURL: base, storageState: (await freshAccount(base)).storageState }),
    );
    await owner.open();
    await owner.send("Share me from the demo");
    const link = await (await owner.openShareDialog()).createLink();
    await owner.page.context().close();

    const reader = await openPage({ locale: "ja-JP", timezoneId: "Asia/Tokyo" });
    await reader.goto(link);
    // A Japanese browser reads the page in Japanese (issue 10): the notice's name from the catalogue.
    const notice = reader.getByRole("status", { name: ja.demo.label });
    await expect(notice).toBeVisible();
    // For a reader, who can set nothing on the server: what the replies are, not the operator's variable.
    await expect(notice).toContainText(ja.demo.readerLong);
    await expect(notice).not.toContainText("UPSTREAM_API_KEY");
    const time = reader.locator("header time");
    const iso = (await time.getAttribute("datetime"))!;
    const expected = new Intl.DateTimeFormat("ja-JP", {
      dateStyle: "medium",
      timeStyle: "short",
      timeZone: "Asia/Tokyo",
    }).format(new Date(iso));
    await expect(time).toHaveText(expected);
  });
});
