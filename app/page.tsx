import { headers } from "next/headers";
import { DemoBanner } from "@/components/layout/demo-banner";
import { MODELS, formatContext } from "@/lib/models";

export const dynamic = "force-dynamic";

export default async function HomePage() {
  const h = await headers();
  const host = h.get("x-forwarded-host") ?? h.get("host") ?? "localhost:3000";
  const proto = h.get("x-forwarded-proto") ?? "http";
  const base = `${proto}://${host}/v1`;
  return (
    <>
      <DemoBanner />
      <main className="mx-auto max-w-3xl space-y-8 px-4 py-10">
        <header className="space-y-2">
          <h1 className="text-3xl font-semibold tracking-tight">glm-chat</h1>
          <p className="text-neutral-600 dark:text-neutral-400">
            An OpenAI-compatible gateway for Zhipu&apos;s GLM-4 models. Point the official <code>openai</code> SDK
            or curl at <code className="font-mono">{base}</code>.
          </p>
        </header>
        <section aria-labelledby="models-heading" className="space-y-3">
          <h2 id="models-heading" className="text-lg font-medium">Models</h2>
          <ul className="divide-y divide-neutral-200 rounded-lg border border-neutral-200 dark:divide-neutral-800 dark:border-neutral-800">
            {MODELS.map((m) => (
              <li key={m.id} className="flex items-baseline justify-between gap-4 px-4 py-2">
                <span className="font-mono text-sm">{m.id}</span>
                <span className="text-right text-sm text-neutral-600 dark:text-neutral-400">
                  {m.description} · {formatContext(m.contextWindow)} context
                </span>
              </li>
            ))}
          </ul>
        </section>
        <section aria-labelledby="try-heading" className="space-y-3">
          <h2 id="try-heading" className="text-lg font-medium">Try it</h2>
          <p className="text-sm text-neutral-600 dark:text-neutral-400">
            Create a key with <code>npm run keys -- create --name my-app</code>, then:
          </p>
          <pre className="overflow-x-auto rounded-lg bg-neutral-100 p-4 text-sm dark:bg-neutral-900">{`curl ${base}/chat/completions \\
  -H "Content-Type: application/json" \\
  -H "Authorization: Bearer $GLM_CHAT_KEY" \\
  -d '{"model": "GLM-4-Air", "messages": [{"role": "user", "content": "请介绍一下智谱AI"}]}'`}</pre>
        </section>
      </main>
    </>
  );
}
