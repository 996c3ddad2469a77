import { makePdf } from "../support/documents";
import { expect, test } from "./fixtures";
import { ChatPage } from "./pages";

/**
 * Documents in the composer: attach (the "Attach files" input), chips named by file name, the text in the
 * upstream request, chips again after a reload with the extracted text one click away; and the context
 * warning that offers GLM-4-Long instead of sending what GLM-4-AirX would refuse.
 */

const file = (name: string, mimeType: string, text: string | Uint8Array) => ({
  name,
  mimeType,
  buffer: Buffer.from(text),
});

test.describe("as the seeded member", () => {
  test.use({ signedInAs: "member" });

  test("a text file and a PDF go upstream with the message and stay on it after a reload", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.open();
    const tag = `doc-${Date.now()}`;
    const pdf = await makePdf(2, { line: (p, n) => `PDF-${tag} page ${p} line ${n}` });
    await page
      .getByLabel("Attach files")
      .setInputFiles([
        file("notes.md", "text/markdown", `# Notes\nMD-${tag}\n`),
        file("report.pdf", "application/pdf", pdf),
      ]);
    const tray = page.getByRole("list", { name: "Attached files" });
    await expect(tray.getByRole("button", { name: "report.pdf" })).toBeVisible();
    await expect(tray.getByRole("group", { name: "report.pdf" })).toContainText("2 pages");
    await expect(tray.getByRole("button", { name: "notes.md" })).toBeVisible();

    await chat.send(`Summarise ${tag}`);
    await expect(tray).toHaveCount(0);
    const log = (await (await fetch(`${process.env.STANDIN_URL}/_log`)).json()) as {
      body: { messages: { role: string; content: string }[] };
    }[];
    const sent = log.reverse().find((r) => JSON.stringify(r.body.messages).includes(`Summarise ${tag}`))!;
    const user = sent.body.messages.at(-1)!.content;
    expect(user).toContain(`<file name="notes.md">\n# Notes\nMD-${tag}`);
    expect(user).toContain(`PDF-${tag} page 2 line 3`);

    await page.reload();
    const message = chat.userMessages.last();
    await expect(message.getByRole("group", { name: "notes.md" })).toBeVisible();
    await message.getByRole("button", { name: "report.pdf" }).click();
    const viewer = page.getByRole("dialog", { name: "report.pdf" });
    await expect(viewer).toContainText(`PDF-${tag} page 1 line 1`);
  });
});

test.describe("on a fresh account", () => {
  test.use({ signedInAs: "fresh" });

  test("over GLM-4-AirX's context: a warning, Send held back, GLM-4-Long offered; a refused file is named", async ({
    page,
  }) => {
    const chat = new ChatPage(page);
    await chat.open();
    await chat.chooseModel("GLM-4-AirX");
    await chat.composer.fill("What does it say?");
    await page
      .getByLabel("Attach files")
      .setInputFiles([
        file("long.txt", "text/plain", "lorem ipsum dolor ".repeat(3_000)),
        file("photo.png", "image/png", new Uint8Array([0x89, 0x50, 0x4e, 0x47])),
      ]);
    await expect(page.getByRole("alert").filter({ hasText: "photo.png" })).toBeVisible();
    const warning = page.getByRole("alert").filter({ hasText: "GLM-4-AirX" });
    await expect(warning).toBeVisible();
    await expect(page.getByRole("button", { name: "Send", exact: true })).toBeDisabled();
    await warning.getByRole("button", { name: "Switch to GLM-4-Long" }).click();
    await expect(chat.modelPicker).toHaveText("GLM-4-Long");
    await expect(warning).toHaveCount(0);
    // Nothing was lost: the text and the accepted file are still there, and now it can be sent.
    await expect(chat.composer).toHaveValue("What does it say?");
    await expect(page.getByRole("group", { name: "long.txt" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Send", exact: true })).toBeEnabled();
    await page.getByRole("group", { name: "long.txt" }).getByRole("button", { name: "Remove" }).click();
    await expect(page.getByRole("group", { name: "long.txt" })).toHaveCount(0);
    // The next pick's messages replace the last one's: an old refusal does not stay stacked above.
    await page.getByLabel("Attach files").setInputFiles([file("notes.txt", "text/plain", "a note")]);
    await expect(page.getByRole("group", { name: "notes.txt" })).toBeVisible();
    await expect(page.getByRole("alert").filter({ hasText: "photo.png" })).toHaveCount(0);
  });
});

test.describe("an upload that fails on the way", () => {
  test.use({ signedInAs: "member" });

  test("says why: no answer, a proxy's 413 page, or the session's end in the reader's language", async ({ page }) => {
    const chat = new ChatPage(page);
    await chat.open();
    const attach = (name: string) =>
      page.getByLabel("Attach files").setInputFiles([file(name, "text/plain", "a note")]);

    await page.route("**/api/attachments", (route) => route.abort("connectionreset"));
    await attach("lost.txt");
    await expect(page.getByRole("alert").filter({ hasText: "lost.txt" })).toHaveText(
      "lost.txt was not attached: The server could not be reached. Check your connection and try again.",
    );

    // nginx's own page when a body passes its client_max_body_size: HTML, not the app's JSON.
    await page.unroute("**/api/attachments");
    await page.route("**/api/attachments", (route) =>
      route.fulfill({
        status: 413,
        contentType: "text/html",
        body: "<html><body>413 Request Entity Too Large</body></html>",
      }),
    );
    await attach("big.txt");
    await expect(page.getByRole("alert").filter({ hasText: "big.txt" })).toHaveText(
      "big.txt was not attached: it is larger than this server, or a proxy in front of it, accepts.",
    );

    // The app's own refusal with its sentence's key: the page words it from its catalogue (so in the reader's
    // language), not with the English the server sent beside it.
    await page.unroute("**/api/attachments");
    await page.route("**/api/attachments", (route) =>
      route.fulfill({
        status: 401,
        contentType: "application/json",
        body: JSON.stringify({ error: "English from the server", key: "sessionEnded" }),
      }),
    );
    await attach("note.txt");
    await expect(page.getByRole("alert").filter({ hasText: "note.txt" })).toHaveText(
      "note.txt was not attached: Your session has ended. Sign in again.",
    );
  });
});
