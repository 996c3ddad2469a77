import ja from "../../lib/i18n/messages/ja.json";
import { expect, test } from "./fixtures";
import { ChatPage } from "./pages";

/**
 * /settings/models: an admin adds a model, which the picker offers at once, and disables it, which takes it
 * out of the picker. Members see neither the tab nor the page. Leaves the catalogue as it found it.
 */

test.describe("as the admin", () => {
  test.use({ signedInAs: "admin" });

  test("add a model, pick it in the chat, disable it: it leaves the picker", async ({ page }) => {
    const name = `E2E-${Date.now().toString(36)}`;
    await page.goto("/settings");
    await page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Models" }).click();
    await expect(page).toHaveURL(/\/settings\/models$/);

    // A refused field says why beside itself and keeps what was typed.
    await page.getByLabel("Model name").fill(`${name} x`);
    await page.getByLabel("Upstream id").fill("e2e-upstream");
    await page.getByLabel("Context window").fill("32000");
    await page.getByLabel("Max output tokens").fill("4000");
    await page.getByLabel("Thinking").selectOption({ label: "Can think (optional)" });
    await page.getByRole("button", { name: "Add model" }).click();
    await expect(page.getByText("Use letters, digits and . _ : - (no spaces)")).toBeVisible();
    await expect(page.getByLabel("Upstream id")).toHaveValue("e2e-upstream");

    await page.getByLabel("Model name").fill(name);
    // From the keyboard, as a screen reader user works: the focus stays on what was pressed, through the work.
    await page.getByRole("button", { name: "Add model" }).focus();
    await page.keyboard.press("Enter");
    await expect(page.getByRole("status")).toHaveText(`${name} was added.`);
    await expect(page.getByRole("button", { name: "Add model" })).toBeFocused();
    const row = page.getByRole("row", { name: new RegExp(name) });
    await expect(row).toContainText("Can think (optional)");
    await expect(row).toContainText("Enabled");

    const chat = new ChatPage(page);
    await chat.open();
    await chat.chooseModel(name);
    await expect(chat.modelPicker).toHaveText(name);
    await chat.send("a conversation on the new model");
    const conversation = page.url();

    await page.goto("/settings/models");
    // Edit → Save gives the focus back to Edit; Disable keeps it, as the same button turns into Enable.
    await row.getByRole("button", { name: "Edit" }).click();
    const edit = page.getByRole("dialog", { name: `Edit ${name}` });
    await edit.getByLabel("Max output tokens").fill("3000");
    await edit.getByRole("button", { name: "Save" }).click();
    await expect(edit).toHaveCount(0);
    await expect(row).toContainText("3,000");
    await expect(row.getByRole("button", { name: "Edit" })).toBeFocused();
    await row.getByRole("button", { name: "Disable" }).focus();
    await page.keyboard.press("Enter");
    await expect(row).toContainText("Disabled");
    await expect(row.getByRole("button", { name: "Enable" })).toBeFocused();

    await chat.open();
    await chat.modelPicker.click();
    await expect(page.getByRole("option", { name: "GLM-4-Flash", exact: true })).toBeVisible();
    await expect(page.getByRole("option", { name })).toHaveCount(0);
    await page.keyboard.press("Escape");

    // Its conversation goes on with another model, and says so rather than switching without a word.
    await page.goto(conversation);
    await expect(page.getByRole("status").filter({ hasText: `${name} is no longer offered` })).toBeVisible();
    await expect(chat.modelPicker).not.toHaveText(name);
  });
});

test.describe("a model that thinks", () => {
  test.use({ signedInAs: "admin" });

  test("enabled by the admin: Thinking On folds the reasoning under 'Thought…', Off sends no reasoning", async ({
    page,
  }) => {
    const row = page.getByRole("row", { name: /^GLM-4\.7 / });
    const setEnabled = async (enabled: boolean) => {
      await page.goto("/settings/models");
      const button = row.getByRole("button", { name: enabled ? "Enable" : "Disable" });
      if (await button.isVisible()) await button.click();
      await expect(row).toContainText(enabled ? "Enabled" : "Disabled");
    };
    await setEnabled(true);
    try {
      const chat = new ChatPage(page);
      await chat.open();
      await chat.chooseModel("GLM-4.7");
      // A model that does not think has no Thinking setting; GLM-4.7 thinks optionally.
      let dialog = await chat.openSettings();
      await dialog.getByRole("radio", { name: "On" }).click();
      await chat.saveSettings();
      await chat.send("hello thinker");
      await expect(chat.lastReply()).toContainText("GLM-4.7");
      await expect(chat.lastReply().getByRole("button", { name: /^Thought/ })).toBeVisible();

      dialog = await chat.openSettings();
      await dialog.getByRole("radio", { name: "Off" }).click();
      await chat.saveSettings();
      await chat.send("hello again");
      await expect(chat.assistantMessages).toHaveCount(2);
      await expect(chat.lastReply().getByRole("button", { name: /^Thought/ })).toHaveCount(0);

      await chat.chooseModel("GLM-4-Flash");
      dialog = await chat.openSettings();
      await expect(dialog.getByRole("radio", { name: "On" })).toHaveCount(0);
    } finally {
      await setEnabled(false);
    }
  });
});

test.describe("as a member", () => {
  test.use({ signedInAs: "member" });

  test("no Models tab, and the page is not found", async ({ page }) => {
    await page.goto("/settings/keys");
    await expect(
      page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "API keys" }),
    ).toBeVisible();
    await expect(page.getByRole("navigation", { name: "Settings" }).getByRole("link", { name: "Models" })).toHaveCount(
      0,
    );
    const response = await page.goto("/settings/models");
    expect(response?.status()).toBe(404);
  });
});

test.describe("as the admin, reading Japanese", () => {
  test.use({ signedInAs: "admin", locale: "ja-JP" });

  test("the shipped models' blurbs read in the admin's language, as in the picker", async ({ page }) => {
    await page.goto("/settings/models");
    const row = page.getByRole("row", { name: /GLM-4-Long/ });
    await expect(row).toContainText(ja.models["GLM-4-Long"]);
  });
});
