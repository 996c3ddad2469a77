import Link from "next/link";

export default function NotFound() {
  return (
    <main className="mx-auto flex min-h-[70dvh] max-w-md flex-col items-center justify-center gap-3 px-4 text-center">
      <h1 className="text-2xl font-semibold">Not found</h1>
      <p className="text-neutral-600 dark:text-neutral-400">This page does not exist, or is no longer shared.</p>
      <Link href="/" className="underline">
        Go to glm-chat
      </Link>
    </main>
  );
}
