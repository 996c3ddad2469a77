import type { AttachmentProblem } from "./limits";

/** A file the chat cannot take, with the reason the browser words for people (catalogue "attachments.errors"). */
export class AttachmentError extends Error {
  constructor(
    readonly problem: AttachmentProblem,
    message: string,
  ) {
    super(message);
    this.name = "AttachmentError";
  }
}
