import type { BrowserContext, Page } from "@playwright/test";
import { expect, test } from "./fixtures";

/**
 * Under the Content-Security-Policy every page still works with no CSP violation in the console, and a
 * markdown image from another host is shown as a link on chat and share pages: nothing is fetched from
 * that host, so a shared link cannot leak its readers' addresses.
 */

// Another origin than the app: the stand-in upstream's port. The stand-in echoes the user's message, so
// the assistant's markdown reply contains this image.
const OTHER = new URL(process.env.STANDIN_URL ?? "http://127.0.0.1:9");
const IMAGE = `${OTHER.origin}/pixel.png?reader=1`;

/** Console errors, page errors and requests to the other host, across every page of a context. */
function watch(context: BrowserContext) {
  const problems: string[] = [];
  const leaked: string[] = [];
  const attach = (page: Page) => {
    page.on("console", (m) => {
      if (m.type() === "error" || /Content.Security.Policy/i.test(m.text()))
        problems.push(`${page.url()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`${page.url()}: ${e.message}`));
  };
  context.on("page", attach);
  context.pages().forEach(attach);
  context.on("request", (r) => {
    if (new URL(r.url()).host === OTHER.host) leaked.push(r.url());
  });
  return { problems, leaked };
}

/** Expected console noise: the 404 status of the not-found page itself. */
const notNoise = (p: string) => !/Failed to load resource: the server responded with a status of 404/.test(p);

test("every page works under the CSP; images from other hosts are links on chat and share pages", async ({
  openSession,
  openPage,
}) => {
  test.setTimeout(120_000);
  const { context: owner, page, chat } = await openSession("member");
  const seen = watch(owner);
  await chat.open();
  await chat.send(`Describe ![tracking pixel](${IMAGE}) please`);

  const imageLink = chat
    .lastReply()
    .getByRole("link", { name: new RegExp(`tracking pixel.*${OTHER.host.replace(/\./g, "\\.")}`) });
  await expect(imageLink).toBeVisible();
  await expect(imageLink).toHaveAttribute("href", IMAGE);
  await expect(imageLink).toHaveAttribute("rel", /noreferrer/);
  await expect(chat.lastReply().getByRole("img", { name: "tracking pixel" })).toHaveCount(0);
  await page.screenshot({ path: "test-results/security-chat-external-image.png", fullPage: true });

  // Reload: the saved reply renders the same way from the server.
  await page.reload();
  await expect(chat.lastReply().getByRole("link", { name: /tracking pixel/ })).toBeVisible();

  const link = await (await chat.openShareDialog()).createLink();

  for (const path of ["/settings", "/settings/keys", "/settings/shares", "/settings/usage"]) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(200);
    await expect(page.getByRole("heading").first()).toBeVisible();
  }
  await expect(page.getByRole("figure", { name: "Tokens per day" })).toBeVisible();
  await expect(page.getByRole("figure", { name: "Requests per day" })).toBeVisible();
  // Client navigation and a server action still run under the CSP: open the chat from the sidebar.
  await page.goto("/");
  await page
    .getByRole("link", { name: /Describe/ })
    .first()
    .click();
  await expect(chat.lastReply().getByRole("link", { name: /tracking pixel/ })).toBeVisible();

  // An anonymous reader of the share link.
  const reader = await openPage();
  const read = watch(reader.context());
  expect((await reader.goto(link))?.status()).toBe(200);
  const shared = reader
    .getByRole("article", { name: "Assistant message" })
    .getByRole("link", { name: /tracking pixel/ });
  await expect(shared).toBeVisible();
  await expect(shared).toContainText(OTHER.host);
  await reader.screenshot({ path: "test-results/security-share-external-image.png", fullPage: true });
  for (const path of ["/login", "/register", "/no/such/page", "/chat/%ff"]) {
    await reader.goto(path);
    await expect(reader.getByRole("heading").first()).toBeVisible();
  }
  // Hydrated under the CSP: the sign-in form's client-side behaviour works (a wrong password is refused inline).
  await reader.goto("/login");
  await reader.getByLabel("Email").fill("nobody@example.com");
  await reader.getByLabel("Password").fill("wrong password");
  await reader.getByRole("button", { name: "Sign in" }).click();
  await expect(reader.getByText(/Wrong email or password/)).toBeVisible();

  expect(seen.leaked, "no request to the image's host (owner)").toEqual([]);
  expect(read.leaked, "no request to the image's host (reader)").toEqual([]);
  expect(seen.problems.filter(notNoise), "console errors (owner)").toEqual([]);
  expect(read.problems.filter(notNoise), "console errors (reader)").toEqual([]);
});
