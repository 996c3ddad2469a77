import NextAuth, { type DefaultSession } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { z } from "zod";
import { findUserByEmail } from "@/db/queries/users";
import { config } from "@/lib/config";
import { verifyPassword } from "./password";

declare module "next-auth" {
  interface Session {
    user: { id: string } & DefaultSession["user"];
  }
}

const SignIn = z.object({ email: z.string().trim().min(1).max(320), password: z.string().min(1).max(200) });

/**
 * Auth.js with email + password and JWT sessions. Configured lazily so the secret (generated once into
 * the data folder when AUTH_SECRET is unset) is read at run time, not at build time.
 */
export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  secret: config().authSecret,
  // Whatever host the user typed (127.0.0.1, a LAN address, a proxied domain) is the one we answer on.
  trustHost: true,
  session: { strategy: "jwt", maxAge: 30 * 24 * 3600 },
  pages: { signIn: "/login" },
  providers: [
    Credentials({
      credentials: { email: { label: "Email" }, password: { label: "Password", type: "password" } },
      async authorize(raw) {
        const parsed = SignIn.safeParse(raw);
        if (!parsed.success) return null;
        const user = findUserByEmail(parsed.data.email);
        if (!(await verifyPassword(parsed.data.password, user?.passwordHash))) return null;
        return { id: user!.id, email: user!.email };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user?.id) token.sub = user.id;
      return token;
    },
    session({ session, token }) {
      if (token.sub) session.user.id = token.sub;
      return session;
    },
  },
}));
