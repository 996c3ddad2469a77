import { writeFile } from "node:fs/promises";
import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "./fixtures";
import { DataSettings, ExportMenu } from "./data-pages";
import { AuthPage, ChatPage, PASSWORD } from "./pages";

/** Your data: export a conversation, export everything and bring it back, delete the account. */

// Each test changes what its account holds: an account of its own.
test.use({ signedInAs: "fresh" });

test("a conversation exports as JSON and Markdown; export all → delete → import brings it back once", async ({
  page,
}, testInfo) => {
  // Three page visits, two downloads and two imports: slack for a busy machine (quiet, it takes ~10 s).
  test.setTimeout(90_000);
  const bad = testInfo.outputPath("bad.json");
  await writeFile(bad, '[{"mapping": {"a": {"__proto__": {}}}}]');
  const chat = new ChatPage(page);
  await chat.open();
  await chat.send("Export me: 京都の紅葉");
  const title = "Export me: 京都の紅葉";
  await expect(chat.sidebarLink(title)).toBeVisible();

  const menu = new ExportMenu(page);
  const json = await menu.export("JSON");
  expect(json.name).toMatch(/\.json$/);
  const archive = JSON.parse(json.text);
  expect(archive.format).toBe("glm-chat.export");
  const [question, answer] = archive.conversations[0].messages;
  expect([question.role, question.content, answer.role]).toEqual(["user", "Export me: 京都の紅葉", "assistant"]);
  expect(answer.model).toBe("GLM-4-Flash");
  const md = await menu.export("Markdown");
  expect(md.name).toBe("Export me 京都の紅葉.md");
  expect(md.text).toContain("## You\n");
  expect(md.text).toContain("Export me: 京都の紅葉");

  const data = new DataSettings(page);
  await data.open();
  const all = await data.exportAll();
  expect(JSON.parse(all.text).conversations).toHaveLength(1);

  // Settings has no sidebar: back to the conversation to delete it there (its row then shows Delete).
  await chat.open();
  await chat.sidebarLink(title).click();
  await chat.deleteFromSidebar(title);
  await expect(chat.sidebarLink(title)).toHaveCount(0);

  // A file that is not an export imports nothing, and says why.
  await data.open();
  await data.import(bad);
  await expect(data.importSection.getByRole("alert")).toHaveText(
    "Nothing was imported: the file contains the key “__proto__”, which is not allowed.",
  );
  await data.import(all.file);
  await expect(data.importSection.getByRole("status")).toHaveText("1 conversation imported, 0 already there.");
  await chat.open();
  await chat.sidebarLink(title).click();
  await expect(chat.userMessages).toHaveText([title]);
  await expect(chat.assistantMessages.first()).toContainText(answer.content.slice(0, 60));

  // The same file again adds nothing.
  await data.open();
  await data.import(all.file);
  await expect(data.importSection.getByRole("status")).toHaveText("0 conversations imported, 1 already there.");
  await chat.open();
  await expect(chat.sidebarLink(title)).toHaveCount(1);
});

/** Serious and critical axe-core findings on the page as it is (WCAG 2.1 AA, as tests/e2e/a11y.spec.ts). */
async function seriousViolations(page: import("@playwright/test").Page) {
  const { violations } = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"])
    .analyze();
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id);
}

test("Delete account asks for the password, signs out, and the account cannot sign in", async ({ page, user }) => {
  const data = new DataSettings(page);
  await data.open();
  expect(await seriousViolations(page)).toEqual([]);
  const dialog = await data.deleteAccount("not my password");
  await expect(dialog.getByRole("alert")).toHaveText("That password is not right.");
  expect(await seriousViolations(page)).toEqual([]);
  await dialog.getByLabel("Password").fill(PASSWORD);
  await dialog.getByRole("button", { name: "Delete account" }).click();
  await expect(page).toHaveURL(/\/login\?deleted=1$/);
  await expect(page.getByRole("status")).toHaveText("Your account and all of its data have been deleted.");
  const auth = new AuthPage(page);
  await auth.signIn(user!.email, PASSWORD);
  await expect(auth.alert).toHaveText("Wrong email or password.");
});
