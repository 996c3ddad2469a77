import "server-only";
import NextAuth, { CredentialsSignin, type DefaultSession } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { headers } from "next/headers";
import { z } from "zod";
import { getDb } from "@/db";
import { findUserByEmail, setPasswordHash } from "@/db/queries/users";
import { config } from "@/lib/config";
import { clientAddress } from "@/lib/http/client-address";
import { hashPassword, verifyPassword } from "./password";
import { endSession, SESSION_MAX_AGE_S, startSession } from "./sessions";
import { beginPasswordCheck } from "./throttle";

declare module "next-auth" {
  interface Session {
    user: { id: string } & DefaultSession["user"];
    /** This browser's row in `sessions`; see lib/auth/session.ts. */
    sid?: string;
  }
}
declare module "@auth/core/jwt" {
  interface JWT {
    sid?: string;
  }
}

const SignIn = z.object({ email: z.string().trim().min(1).max(320), password: z.string().min(1).max(200) });

/** Wrong email or password. Carries the client's address for the one log line a failure gets. */
export class WrongCredentials extends CredentialsSignin {
  code = "credentials";
  constructor(readonly address: string) {
    super();
  }
}

/** This address has failed too often (for this account, or for any): refused without looking at the password. */
export class TooManyAttempts extends CredentialsSignin {
  code = "too_many_attempts";
  constructor(
    readonly until: number,
    readonly address: string,
  ) {
    super();
  }
}

async function authorize(raw: unknown, request: Request) {
  const address = clientAddress(request.headers);
  const parsed = SignIn.safeParse(raw);
  if (!parsed.success) throw new WrongCredentials(address);
  const { email, password } = parsed.data;
  const attempt = await beginPasswordCheck({ email, address });
  if (attempt.blockedUntil !== null) throw new TooManyAttempts(attempt.blockedUntil, address);
  const user = await findUserByEmail(getDb(), { email });
  const check = await verifyPassword(password, user?.passwordHash);
  if (!user || !check.ok) throw new WrongCredentials(address);
  await attempt.succeeded();
  // A bcrypt hash from before scrypt (or weaker parameters): replace it while the password is at hand.
  if (check.needsRehash)
    await setPasswordHash(getDb(), { userId: user.id, passwordHash: await hashPassword(password) });
  return { id: user.id, email: user.email };
}

async function userAgent(): Promise<string | null> {
  try {
    return (await headers()).get("user-agent");
  } catch {
    return null; // outside a request (nothing calls it so today, but a missing label must not stop sign-in)
  }
}

/**
 * Auth.js with email + password and JWT sessions backed by a `sessions` row each (Credentials cannot use
 * database sessions). Configured lazily so the secret (generated once into the data folder when AUTH_SECRET
 * is unset) is read at run time, not at build time.
 */
export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  secret: config().authSecret,
  // Whatever host the user typed (127.0.0.1, a LAN address, a proxied domain) is the one we answer on.
  trustHost: true,
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_S },
  pages: { signIn: "/login" },
  providers: [
    Credentials({
      credentials: { email: { label: "Email" }, password: { label: "Password", type: "password" } },
      authorize,
    }),
  ],
  callbacks: {
    async jwt({ token, user }) {
      // `user` is set only at sign-in: that is when the session row is made.
      if (user?.id) {
        token.sub = user.id;
        token.sid = await startSession({ userId: user.id, userAgent: await userAgent() });
      }
      return token;
    },
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      session.sid = token.sid;
      return session;
    },
  },
  events: {
    // Both doors (the logout server action and POST /api/auth/signout) end the row, not just the cookie.
    async signOut(message) {
      const token = "token" in message ? message.token : null;
      if (token?.sid && token.sub) await endSession({ sessionId: token.sid, userId: token.sub });
    },
  },
  logger: {
    // A refused sign-in is an expected event: one line, no stack (Auth.js prints a stack trace for each).
    // Everything else is a real error and keeps its detail.
    error(error) {
      if (error instanceof CredentialsSignin) {
        const address =
          error instanceof WrongCredentials || error instanceof TooManyAttempts ? ` from ${error.address}` : "";
        console.warn(`[auth] sign-in refused (${error.code})${address}`);
        return;
      }
      console.error("[auth][error]", error);
    },
  },
}));
