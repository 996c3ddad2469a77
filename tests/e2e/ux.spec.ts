import { expect, test } from "@playwright/test";
import { AuthPage, ChatPage } from "./pages";

/** What a person hits on a phone and a desktop (issue 11): each test fails on the code before its fix. */

const TITLE = "Autumn leaves around Kyoto temples";
const LONG = "A very long title that cannot possibly fit into the sidebar row at all";

/** Two conversations; the first (not the open one) is checked for room. */
async function twoConversations(chat: ChatPage) {
  await chat.send(TITLE);
  await chat.newChat();
  await chat.send(LONG);
}
/** Whether a link's text is cut (its content is wider than its box). */
const isCut = (el: HTMLElement) => el.scrollWidth > el.clientWidth;

test.describe("signed in", () => {
  test.beforeEach(async ({ page }) => {
    await new AuthPage(page).register();
  });

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

  test("sidebar titles use the row's full width and only a title too long for it ends in an ellipsis", async ({ page }) => {
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

test.describe("on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("the sidebar drawer traps focus, closes on Escape and gives focus back", async ({ page }) => {
    await new AuthPage(page).register();
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

  test("sidebar titles use the drawer's full width", async ({ page }) => {
    await new AuthPage(page).register();
    const chat = new ChatPage(page);
    await twoConversations(chat);
    await page.getByRole("button", { name: "Open sidebar" }).click();
    const link = page.getByRole("dialog", { name: "Conversations" }).getByRole("link", { name: TITLE });
    await expect(link).toBeVisible();
    await page.mouse.move(380, 800);
    expect(await link.evaluate(isCut)).toBe(false);
  });
});
