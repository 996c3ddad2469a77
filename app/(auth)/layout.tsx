import { DemoBanner } from "@/components/layout/demo-banner";

export default function AuthLayout({ children }: { children: React.ReactNode }) {
  return (
    <>
      <DemoBanner />
      <main className="mx-auto flex min-h-[80dvh] max-w-sm flex-col justify-center px-4 py-10">{children}</main>
    </>
  );
}
