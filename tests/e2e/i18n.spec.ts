import type { Page } from "@playwright/test";
import ja from "../../lib/i18n/messages/ja.json";
import zhCN from "../../lib/i18n/messages/zh-CN.json";
import { LANGUAGE_NAMES } from "../../lib/i18n/locales";
import { expect, test } from "./fixtures";
import { PASSWORD, uniqueEmail } from "./pages";

/**
 * The main path in 简体中文 and in 日本語: switch the language with the Language select on /login, sign up,
 * chat (a streamed reply), switch model, share; the shared page in its reader's language and time zone.
 * Every name is read from the catalogues, so a changed translation changes the test with it.
 */
const LANGUAGES = [
  { locale: "zh-CN", m: zhCN, hello: "你好，请介绍一下你自己。", zone: "Asia/Shanghai", demoSays: "模拟回复" },
  { locale: "ja", m: ja, hello: "こんにちは、自己紹介をしてください。", zone: "Asia/Tokyo", demoSays: "模擬返信" },
] as const;

const htmlLang = (page: Page) => page.evaluate(() => document.documentElement.lang);

for (const { locale, m, hello, zone, demoSays } of LANGUAGES) {
  test(`the main path in ${LANGUAGE_NAMES[locale]}`, async ({ openPage }) => {
    test.setTimeout(90_000);
    // A browser that asks for English: the Language select must win over Accept-Language.
    const page = await openPage({ locale: "en-US" });
    await page.goto("/login");
    expect(await htmlLang(page)).toBe("en");
    await page.getByRole("combobox", { name: "Language" }).selectOption({ label: LANGUAGE_NAMES[locale] });
    // At once, in place: the heading and the select's own name change, the URL does not.
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(m.auth.signInHeading);
    await expect(page.getByRole("combobox", { name: m.language.label })).toHaveValue(locale);
    await expect(page).toHaveURL(/\/login$/);
    expect(await htmlLang(page)).toBe(locale);

    await page.getByRole("link", { name: m.auth.createOne }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(m.auth.registerHeading);
    const email = page.getByLabel(m.auth.email, { exact: true });
    await email.fill(uniqueEmail());
    await page.getByLabel(m.auth.password, { exact: true }).fill(PASSWORD);
    await expect(email).not.toHaveValue("");
    await page.getByRole("button", { name: m.auth.createAccount }).click();
    const composer = page.getByRole("textbox", { name: m.chat.message, exact: true });
    await expect(composer).toBeVisible({ timeout: 20_000 });

    // IME: the Enter that confirms a candidate (isComposing) must not send.
    const mine = page.getByRole("article", { name: m.chat.yourMessage });
    await composer.fill(hello);
    await composer.dispatchEvent("keydown", { key: "Enter", code: "Enter", isComposing: true });
    await expect(composer).toHaveValue(hello);
    await expect(mine).toHaveCount(0);

    const send = page.getByRole("button", { name: m.chat.send });
    const replies = page.getByRole("article", { name: m.chat.assistantMessage });
    await composer.press("Enter");
    await expect(mine).toHaveText([hello]);
    await expect(send).toBeVisible({ timeout: 20_000 });
    // The demo upstream answers in the message's language, as a model would.
    await expect(replies.last()).toContainText(demoSays);

    // Switch model: the options keep their model names; the descriptions are translated.
    await page.getByRole("combobox", { name: m.chat.model }).click();
    await expect(page.getByRole("listbox")).toContainText(m.models["GLM-4-Long"]);
    await page.getByRole("option", { name: "GLM-4-Long", exact: true }).click();
    await expect(page.getByRole("combobox", { name: m.chat.model })).toHaveText("GLM-4-Long");
    await composer.fill("2");
    await composer.press("Enter");
    await expect(send).toBeVisible({ timeout: 20_000 });
    await expect(replies).toHaveCount(2);
    await expect(replies.last().getByLabel(m.chat.modelOf.replace("{model}", "GLM-4-Long"))).toBeVisible();

    // A long document: the estimate is written as the context beside it is ("约 23K / 1M"), one system for both.
    const notes = Buffer.from("GLM-4-Long 的上下文窗口为 1M token。\n".repeat(3000));
    await page
      .getByLabel(m.attachments.attach, { exact: true })
      .setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: notes });
    await expect(page.getByText(/^(约|約) \d+(\.\d)?K \/ 1M/)).toBeVisible();
    await page.getByRole("group", { name: "notes.txt" }).getByRole("button", { name: m.attachments.remove }).click();

    await page.getByRole("button", { name: m.share.share }).click();
    const dialog = page.getByRole("dialog", { name: m.share.title });
    await dialog.getByRole("button", { name: m.share.createLink }).click();
    const link = await dialog.getByRole("textbox", { name: m.share.shareLink }).inputValue();
    expect(link).toMatch(/\/share\/[\w-]+$/);

    // A signed-out reader whose browser asks for this language, in a time zone far from UTC.
    const reader = await openPage({ locale, timezoneId: zone });
    await reader.goto(link);
    expect(await htmlLang(reader)).toBe(locale);
    await expect(reader.getByRole("article", { name: m.share.userMessage }).first()).toContainText(hello);
    await expect(reader.getByText(m.share.readOnly)).toBeVisible();
    // The share's date as that language writes it, in the reader's zone (the page re-renders once the
    // browser has told the server its zone).
    const day = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: zone }).format(new Date());
    await expect(reader.getByRole("main").getByRole("time")).toContainText(day);
    await expect(reader.getByRole("button", { name: m.share.signInToContinue })).toBeVisible();

    // On a page in the other language the message keeps its own, so its Han characters keep their forms.
    const other = await openPage({ locale: locale === "ja" ? "zh-CN" : "ja" });
    await other.goto(link);
    const bubble = other.getByRole("article", { name: /./ }).first().getByText(hello, { exact: true });
    await expect(bubble).toHaveAttribute("lang", locale);

    // A failed reply says so in this language, as it happens and after a reload (not in the upstream's words).
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
    await composer.fill(`[fault-once:http500] ${hello}`);
    await composer.press("Enter");
    const failure = replies.last().getByRole("alert");
    await expect(failure).toContainText(m.errors.replyUpstreamFailed, { timeout: 20_000 });
    // The message was saved and its reply failed: one reply for it, and the message is not handed back.
    await expect(replies).toHaveCount(3);
    await expect(composer).toHaveValue("");
    await page.reload();
    await expect(replies.last().getByRole("alert")).toContainText(m.errors.replyUpstreamFailed);

    // Usage: the chart's days as this language writes them ("11月27日"), not the report's "11-27".
    await page.goto("/settings/usage");
    const today = new Intl.DateTimeFormat(locale, { month: "short", day: "numeric" }).format(new Date());
    await expect(page.getByRole("figure", { name: m.usage.requestsPerDay })).toContainText(today);
  });
}
