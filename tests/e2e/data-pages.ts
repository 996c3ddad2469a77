import { readFile } from "node:fs/promises";
import { expect, type Download, type Page } from "@playwright/test";

/**
 * Page objects for "your data": the conversation header's Export menu and Settings → Data (export all,
 * import, delete account), by role and accessible name (/work/shared/spec/product.md).
 */

/** A download's file name and text. */
export async function downloaded(download: Download) {
  const file = await download.path();
  return { name: download.suggestedFilename(), file, text: await readFile(file, "utf8") };
}

export class ExportMenu {
  constructor(readonly page: Page) {}

  /** Opens the header's Export menu and picks Markdown or JSON; resolves with the download. */
  async export(format: "Markdown" | "JSON") {
    await this.page.getByRole("button", { name: "Export", exact: true }).click();
    const [download] = await Promise.all([
      this.page.waitForEvent("download"),
      this.page.getByRole("menuitem", { name: format }).click(),
    ]);
    return downloaded(download);
  }
}

export class DataSettings {
  constructor(readonly page: Page) {}

  async open() {
    await this.page.goto("/settings");
    await this.page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Data" }).click();
    await expect(this.page).toHaveURL(/\/settings\/data$/);
  }

  async exportAll() {
    const [download] = await Promise.all([
      this.page.waitForEvent("download"),
      this.page.getByRole("button", { name: "Export all conversations" }).click(),
    ]);
    return downloaded(download);
  }

  /**
   * Picks a file as a person does: the "Import conversations" button opens the file chooser (of the input
   * labelled the same). The section's status or alert then says what happened.
   */
  async import(file: string) {
    const [chooser] = await Promise.all([
      this.page.waitForEvent("filechooser"),
      this.page.getByRole("button", { name: "Import conversations" }).click(),
    ]);
    expect(await chooser.element().getAttribute("aria-label")).toBe("Import conversations");
    await chooser.setFiles(file);
  }

  get importSection() {
    return this.page.getByRole("region", { name: "Import" });
  }

  async deleteAccount(password: string) {
    await this.page.getByRole("button", { name: "Delete account" }).click();
    const dialog = this.page.getByRole("dialog");
    await dialog.getByLabel("Password").fill(password);
    await dialog.getByRole("button", { name: "Delete account" }).click();
    return dialog;
  }
}
