import { expect, type Page } from "@playwright/test";

/** Page objects the specs share: sign-up/in and the chat screen, selected by role and accessible name. */

export const MODELS = ["GLM-4-Plus", "GLM-4-Air", "GLM-4-AirX", "GLM-4-Long", "GLM-4-FlashX", "GLM-4-Flash"] as const;
export const PASSWORD = "correct horse battery";

export const uniqueEmail = (who = "user") => `${who}-${Date.now()}-${Math.random().toString(36).slice(2, 7)}@example.com`;

/** Picks `option` in the select (a Radix combobox button opening a listbox) named `name`. */
export async function chooseOption(page: Page, name: string, option: string) {
  const select = page.getByRole("combobox", { name });
  await select.click();
  await page.getByRole("option", { name: option, exact: true }).click();
  await expect(select).toHaveText(option);
}

export class AuthPage {
  constructor(readonly page: Page) {}

  async register(email = uniqueEmail(), password = PASSWORD) {
    await this.page.goto("/register");
    await this.page.getByLabel("Email").fill(email);
    await this.page.getByLabel("Password").fill(password);
    await this.page.getByRole("button", { name: "Create account" }).click();
    await expect(this.page.getByRole("textbox", { name: "Message", exact: true })).toBeVisible({ timeout: 20_000 });
    return email;
  }

  async signIn(email: string, password = PASSWORD) {
    await this.page.goto("/login");
    await this.page.getByLabel("Email").fill(email);
    await this.page.getByLabel("Password").fill(password);
    await this.page.getByRole("button", { name: "Sign in" }).click();
  }

  async signOut() {
    await this.page.getByRole("button", { name: "Sign out" }).click();
    await expect(this.page).toHaveURL(/\/login$/);
  }
}

export class ChatPage {
  constructor(readonly page: Page) {}

  get composer() {
    return this.page.getByRole("textbox", { name: "Message", exact: true });
  }
  get modelPicker() {
    return this.page.getByRole("combobox", { name: "Model" });
  }
  get assistantMessages() {
    return this.page.getByRole("article", { name: "Assistant message" });
  }
  get userMessages() {
    return this.page.getByRole("article", { name: "Your message" });
  }
  lastReply() {
    return this.assistantMessages.last();
  }

  async newChat() {
    await this.page.getByRole("link", { name: "New chat" }).click();
    await expect(this.page).toHaveURL(/\/$/);
    await expect(this.composer).toBeVisible();
  }

  async chooseModel(model: string) {
    await chooseOption(this.page, "Model", model);
  }

  /** Sends and waits until the reply has finished (Send is back). */
  async send(text: string, { wait = true } = {}) {
    await this.composer.fill(text);
    await this.composer.press("Enter");
    if (wait) await this.waitForIdle();
  }

  async waitForIdle() {
    await expect(this.page.getByRole("button", { name: "Send" })).toBeVisible({ timeout: 20_000 });
  }

  /** The conversation id from the URL (it appears as soon as the first message is sent). */
  async conversationId() {
    await expect(this.page).toHaveURL(/\/chat\/[\w-]+$/);
    return new URL(this.page.url()).pathname.split("/").pop()!;
  }

  sidebarLink(title: string | RegExp) {
    return this.page.getByRole("navigation", { name: "Conversation list" }).getByRole("link", { name: title });
  }

  sidebarItem(title: string | RegExp) {
    return this.page.getByRole("navigation", { name: "Conversation list" }).getByRole("listitem")
      .filter({ has: this.page.getByRole("link", { name: title, exact: typeof title === "string" }) });
  }
}
