import { expect, type Locator, type Page } from "@playwright/test";
import { DEFAULT_MODELS } from "../../lib/models";
import { PASSWORD, uniqueEmail } from "../support/http-auth";

/**
 * Page objects for every screen the specs visit, selected by role and accessible name (the names of
 * /work/shared/spec/product.md): sign-up/in, chat, the share dialog, the shared page, and Settings →
 * Account, API keys, Usage and Shared links. They hold locators and the steps a person takes; the specs
 * keep their assertions.
 */

/** The model names, from the app's registry. */
export const MODELS = DEFAULT_MODELS.filter((m) => m.enabled).map((m) => m.id);
export { PASSWORD, uniqueEmail } from "../support/http-auth";

/** Picks `option` in the select (a Radix combobox button opening a listbox) named `name`. */
export async function chooseOption(page: Page, name: string, option: string) {
  const select = page.getByRole("combobox", { name });
  await select.click();
  await page.getByRole("option", { name: option, exact: true }).click();
  await expect(select).toHaveText(option);
  await closedBackTo(page.getByRole("listbox"), select);
}

/**
 * Waits until a list or dialog has closed and given focus back to the button that opened it. Radix does that in a
 * timer after closing, and a key pressed before the timer lands on the button: on CI an Enter meant to send a
 * message reopened the Model list instead, and the message was never sent.
 */
export async function closedBackTo(popup: Locator, opener: Locator) {
  await expect(popup).toBeHidden();
  await expect(opener).toBeFocused();
}

/** The path of a URL (share links are full URLs). */
export const pathOf = (url: string) => new URL(url).pathname;
/** The last segment of a URL's path: a share's or a conversation's id. */
export const lastSegment = (url: string) => pathOf(url).split("/").pop()!;

export class AuthPage {
  constructor(readonly page: Page) {}

  /** Signs up through /register in the browser, the way a person does; lands on the empty chat. */
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
    await this.page.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect(this.page).toHaveURL(/\/login$/);
  }

  /** The form's message (wrong password, taken email, …). */
  get alert() {
    return this.page.getByRole("main").getByRole("alert");
  }
}

export class ChatPage {
  constructor(readonly page: Page) {}

  /** Opens a new, empty conversation ("/"), ready to type. */
  async open() {
    await this.page.goto("/");
    await expect(this.composer).toBeVisible();
  }

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
  get stopButton() {
    return this.page.getByRole("button", { name: "Stop", exact: true });
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

  /** Sends a long reply's prompt, waits for its first words, and presses Stop. */
  async sendAndStop(text: string) {
    await this.send(text, { wait: false });
    await expect(this.lastReply()).toContainText("simulated reply");
    await this.stopButton.click();
    await this.waitForIdle();
  }

  /** Waits until Send is back; a reply longer than a few seconds needs a `timeout` longer than it. */
  async waitForIdle({ timeout = 20_000 } = {}) {
    await expect(this.page.getByRole("button", { name: "Send", exact: true })).toBeVisible({ timeout });
  }

  /** The conversation id from the URL (it appears as soon as the first message is sent). */
  async conversationId() {
    await expect(this.page).toHaveURL(/\/chat\/[\w-]+$/);
    return lastSegment(this.page.url());
  }

  get sidebar() {
    return this.page.getByRole("navigation", { name: "Conversation list" });
  }

  sidebarLink(title: string | RegExp) {
    return this.sidebar.getByRole("link", { name: title });
  }

  sidebarItem(title: string | RegExp) {
    return this.sidebar
      .getByRole("listitem")
      .filter({ has: this.page.getByRole("link", { name: title, exact: typeof title === "string" }) });
  }

  /** Deletes a conversation from the sidebar, confirming in the dialog. */
  /**
   * Deletes from the sidebar and waits until the server has done it: the dialog closes only then. (While the
   * modal is open, Radix hides everything else from the accessibility tree, so "the link is gone" held at
   * once; a reload or a share link opened right after raced the delete itself — a PostgreSQL-only flake.)
   */
  async deleteFromSidebar(title: string | RegExp) {
    await this.sidebarItem(title).getByRole("button", { name: "Delete" }).click();
    const dialog = this.page.getByRole("dialog");
    await dialog.getByRole("button", { name: "Delete" }).click();
    await expect(dialog).toBeHidden();
  }

  get searchBox() {
    return this.page.getByLabel("Search conversations");
  }
  get searchResults() {
    return this.page.getByRole("region", { name: "Search results" });
  }

  /** The Share dialog of the open conversation. */
  async openShareDialog() {
    await this.page.getByRole("button", { name: "Share", exact: true }).click();
    return new ShareDialog(this.page);
  }

  /** Opens the conversation settings dialog. */
  async openSettings() {
    await this.settingsButton.click();
    return this.page.getByRole("dialog", { name: "Conversation settings" });
  }

  /** Saves the open settings dialog and waits until it has closed. */
  async saveSettings() {
    const dialog = this.page.getByRole("dialog", { name: "Conversation settings" });
    await dialog.getByRole("button", { name: "Save", exact: true }).click();
    await closedBackTo(dialog, this.settingsButton);
  }

  get settingsButton() {
    return this.page.getByRole("button", { name: "Conversation settings" });
  }
}

/** The Share dialog: Create link, the Share link box, Update link, Stop sharing. */
export class ShareDialog {
  readonly dialog: Locator;
  constructor(readonly page: Page) {
    this.dialog = page.getByRole("dialog", { name: "Share conversation" });
  }

  get link() {
    return this.dialog.getByRole("textbox", { name: "Share link" });
  }
  get alert() {
    return this.dialog.getByRole("alert");
  }
  get status() {
    return this.dialog.getByRole("status");
  }
  button(name: "Create link" | "Copy link" | "Update link" | "Stop sharing" | "Close") {
    return this.dialog.getByRole("button", { name });
  }

  /** Create link, then the full URL it shows. */
  async createLink() {
    await this.button("Create link").click();
    return this.link.inputValue();
  }

  async close() {
    await this.dialog.press("Escape");
    await closedBackTo(this.dialog, this.page.getByRole("button", { name: "Share", exact: true }));
  }
}

/** A shared conversation (/share/<id>) as a reader sees it. */
export class SharedConversationPage {
  constructor(readonly page: Page) {}

  get title() {
    return this.page.getByRole("heading", { level: 1 });
  }
  get userMessages() {
    return this.page.getByRole("article", { name: "User message" });
  }
  get assistantMessages() {
    return this.page.getByRole("article", { name: "Assistant message" });
  }
  get notFound() {
    return this.page.getByRole("heading", { name: "Not found" });
  }
}

/** Settings, with its navigation between sections. */
export class SettingsPage {
  constructor(readonly page: Page) {}

  get nav() {
    return this.page.getByRole("navigation", { name: "Settings" });
  }

  async openSection(name: "Account" | "API keys" | "Usage" | "Shared links") {
    await this.page.goto("/settings");
    await this.nav.getByRole("link", { name }).click();
  }
}

/** Settings → Account: change password, sign out of all devices. */
export class AccountSettings {
  constructor(readonly page: Page) {}

  async open() {
    await new SettingsPage(this.page).openSection("Account");
    await expect(this.page).toHaveURL(/\/settings\/account$/);
  }

  /** The Password section, where its messages appear. */
  get passwordSection() {
    return this.page.getByRole("region", { name: "Password" });
  }

  async changePassword(current: string, next: string) {
    await this.page.getByLabel("Current password").fill(current);
    await this.page.getByLabel("New password").fill(next);
    await this.page.getByRole("button", { name: "Change password" }).click();
  }

  get signOutEverywhere() {
    return this.page.getByRole("button", { name: "Sign out of all devices" });
  }
}

/**
 * Where a temporary password (an admin's Add user or Reset password) leads after signing in, and every page
 * leads back until the account has a password of its own: Settings → Account's form, on a page of its own.
 */
export class NewPasswordPage {
  constructor(readonly page: Page) {}

  get heading() {
    return this.page.getByRole("heading", { name: "Choose your own password" });
  }

  choose(current: string, next: string) {
    return new AccountSettings(this.page).changePassword(current, next);
  }
}

/** Settings → API keys (/settings/keys). */
export class KeysPage {
  constructor(readonly page: Page) {}

  async open() {
    await this.page.goto("/settings/keys");
  }

  /** The one-time box with a key just made. */
  get newKey() {
    return this.page.getByRole("textbox", { name: "New API key" });
  }

  /** Creates a key and returns it, read from the one-time box. */
  async create(name: string) {
    await this.page.getByLabel("Key name").fill(name);
    await this.page.getByRole("button", { name: "Create key" }).click();
    await expect(this.newKey).toHaveValue(/\S/);
    return this.newKey.inputValue();
  }

  row(name: string | RegExp) {
    return this.page.getByRole("row", { name: typeof name === "string" ? new RegExp(escapeRegExp(name)) : name });
  }

  /** Revoke on a key's row, then Revoke in the confirmation dialog. */
  async revoke(name: string | RegExp) {
    await this.row(name).getByRole("button", { name: "Revoke" }).click();
    await this.page.getByRole("dialog").getByRole("button", { name: "Revoke" }).click();
  }
}

/** Settings → Usage (/settings/usage). */
export class UsagePage {
  constructor(readonly page: Page) {}

  async open() {
    await this.page.goto("/settings/usage");
  }

  /** "Total: N requests" under the requests chart. */
  get requestsTotal() {
    return this.page.getByRole("figure", { name: "Requests per day" }).getByText(/^Total: /);
  }
  get tokensTotal() {
    return this.page.getByRole("figure", { name: "Tokens per day" }).getByText(/^Total: /);
  }
  /** The requests chart, whose day axis is labelled in the page's language. */
  get requestsChart() {
    return this.page.getByRole("figure", { name: "Requests per day" });
  }
  get byModel() {
    return this.page.getByRole("region", { name: "By model" });
  }
  get byKey() {
    return this.page.getByRole("region", { name: "By key" });
  }
  /** Everyone's usage per account: admins, with "Everyone (admin)" checked. */
  get byPerson() {
    return this.page.getByRole("region", { name: "By person" });
  }
  get recent() {
    return this.page.getByRole("region", { name: "Recent requests" });
  }
  /** Rows of the recent requests table; row 0 holds the column headers. */
  get recentRows() {
    return this.recent.getByRole("row");
  }
  range(name: "7 days" | "30 days" | "90 days") {
    return this.page.getByRole("radio", { name });
  }
}

/** Settings → Shared links (/settings/shares). */
export class SharesPage {
  constructor(readonly page: Page) {}

  async open() {
    await this.page.goto("/settings/shares");
  }

  row(title: RegExp) {
    return this.page.getByRole("row", { name: title });
  }

  /** The row of one share, by its path (/share/<id>), which its Open link points to. */
  rowOf(sharePath: string) {
    return this.page.getByRole("row").filter({ has: this.page.locator(`a[href="${sharePath}"]`) });
  }
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
