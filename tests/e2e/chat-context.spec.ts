import { expect, test } from "./fixtures";
import { ChatPage } from "./pages";

/**
 * A conversation that outgrows the model just chosen: Send is held back (attachments.spec.ts), and so are
 * Continue, Regenerate and an edit's Save and send. Each says why and offers the model with the most context;
 * nothing goes upstream and the reply already there stays.
 */

// It picks models, which sets the account's last model.
test.use({ signedInAs: "fresh" });

/** How many requests the stand-in upstream has had that mention `tag`. */
async function upstreamRequests(tag: string): Promise<number> {
  const log = (await (await fetch(`${process.env.STANDIN_URL}/_log`)).json()) as { body: { messages: unknown } }[];
  return log.filter((r) => JSON.stringify(r.body.messages).includes(tag)).length;
}

test("over GLM-4-AirX's context, Continue, Regenerate and Edit are held back with the reason and keep the reply", async ({
  page,
}) => {
  const chat = new ChatPage(page);
  await chat.open();
  const tag = `ctx-${Date.now()}`;
  // About 13.5K tokens: GLM-4-Flash (128K) takes it, GLM-4-AirX (8K) cannot.
  await page
    .getByLabel("Attach files")
    .setInputFiles([
      { name: "long.txt", mimeType: "text/plain", buffer: Buffer.from("lorem ipsum dolor ".repeat(3_000)) },
    ]);
  // Read by the server: its name opens the text (Send waits while it uploads).
  await expect(page.getByRole("group", { name: "long.txt" }).getByRole("button", { name: "long.txt" })).toBeVisible();
  await chat.sendAndStop(`What does it say? ${tag} [words:400][delay:30]`);
  const reply = chat.lastReply();
  await expect(reply).toContainText("Stopped");
  const kept = await reply.innerText();
  const sent = await upstreamRequests(tag);

  await chat.chooseModel("GLM-4-AirX");
  const refusal = page.getByRole("alert").filter({ hasText: "Not sent" });
  for (const press of ["Continue", "Regenerate"]) {
    await reply.getByRole("button", { name: press }).click();
    await expect(refusal).toContainText("more than GLM-4-AirX's context of 8K");
    await expect(refusal.getByRole("button", { name: "Switch to GLM-4-Long" })).toBeVisible();
    await expect(reply).toHaveText(kept, { useInnerText: true });
  }

  await chat.userMessages.last().getByRole("button", { name: "Edit", exact: true }).click();
  const box = page.getByRole("textbox", { name: "Edit message" });
  await box.fill(`Say it shorter ${tag}`);
  await page.getByRole("button", { name: "Save and send" }).click();
  await expect(refusal).toBeVisible();
  // The edit is not lost either: its box stays open with the new text.
  await expect(box).toHaveValue(`Say it shorter ${tag}`);
  await expect(chat.userMessages.last()).toContainText("long.txt");
  await expect(reply).toHaveText(kept, { useInnerText: true });
  expect(await upstreamRequests(tag)).toBe(sent);

  await refusal.getByRole("button", { name: "Switch to GLM-4-Long" }).click();
  await expect(chat.modelPicker).toHaveText("GLM-4-Long");
  await expect(refusal).toHaveCount(0);
  await page.getByRole("button", { name: "Save and send" }).click();
  await chat.waitForIdle();
  await expect(chat.userMessages).toHaveCount(1);
  await expect(chat.lastReply()).toContainText("GLM-4-Long");
  await expect(chat.lastReply().getByRole("alert")).toHaveCount(0);
  expect(await upstreamRequests(tag)).toBe(sent + 1);
});
