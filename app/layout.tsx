import type { Metadata, Viewport } from "next";
import localFont from "next/font/local";
import { connection } from "next/server";
import { NextIntlClientProvider } from "next-intl";
import { getLocale, getMessages, getTranslations } from "next-intl/server";
import { TimeZoneCookie } from "@/components/i18n/time-zone-cookie";
import { clientMessages, type Messages } from "@/lib/i18n/messages";
import "./globals.css";

// Self-hosted: next/font/google would fetch at build time, and this app must build offline.
const inter = localFont({
  src: "../node_modules/@fontsource-variable/inter/files/inter-latin-wght-normal.woff2",
  variable: "--font-inter",
  display: "swap",
});

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("meta");
  return {
    title: { default: "glm-chat", template: "%s · glm-chat" },
    description: t("description"),
    // Installable on a phone's home screen (public/manifest.webmanifest).
    manifest: "/manifest.webmanifest",
  };
}

export const viewport: Viewport = {
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#ffffff" },
    { media: "(prefers-color-scheme: dark)", color: "#0a0a0a" },
  ],
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page renders per request, the not-found page too: a prerendered page has no nonce for its
  // scripts, and the Content-Security-Policy (proxy.ts) would block them.
  await connection();
  const locale = await getLocale();
  return (
    <html lang={locale} className={inter.variable}>
      <body className="min-h-dvh bg-white font-sans text-neutral-900 antialiased dark:bg-neutral-950 dark:text-neutral-100">
        <NextIntlClientProvider messages={clientMessages((await getMessages()) as Messages)}>
          {children}
          <TimeZoneCookie />
        </NextIntlClientProvider>
      </body>
    </html>
  );
}
