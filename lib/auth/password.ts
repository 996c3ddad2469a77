import bcrypt from "bcryptjs";

const ROUNDS = 11;
/** A hash to compare against when the email is unknown, so both cases take the same time. */
const DUMMY_HASH = bcrypt.hashSync("glm-chat-no-such-user", ROUNDS);

export const MIN_PASSWORD_LENGTH = 8;

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, ROUNDS);
}

export async function verifyPassword(password: string, hash: string | null | undefined): Promise<boolean> {
  const ok = await bcrypt.compare(password, hash ?? DUMMY_HASH);
  return ok && !!hash;
}

/** Why a password is too weak, or null when it will do. */
export function passwordProblem(password: string, email: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (password.length > 200) return "Use at most 200 characters.";
  if (password.toLowerCase() === email.trim().toLowerCase()) return "Don't use your email address as the password.";
  if (/^(.)\1+$/.test(password) || /^(?:12345678|password|qwertyui)/i.test(password)) {
    return "That password is too easy to guess.";
  }
  return null;
}
