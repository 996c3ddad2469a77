"use client";

import type { KeyListing } from "@/db/queries/keys";
import { Button } from "@/components/ui/button";

/** The actions column stays in view while the rest of a wide row scrolls under it. */
const pinned = "sticky right-0 bg-white dark:bg-neutral-950";
const when = (ms: number | null) => (ms ? new Date(ms).toLocaleString() : "—");

function status(k: KeyListing): "active" | "revoked" | "expired" {
  if (k.revokedAt) return "revoked";
  if (k.expiresAt && k.expiresAt <= Date.now()) return "expired";
  return "active";
}

export function KeysTable({ keys, admin, onRevoke }: { keys: KeyListing[]; admin: boolean; onRevoke: (k: KeyListing) => void }) {
  if (!keys.length) return <p className="text-sm text-neutral-500 dark:text-neutral-400">No API keys yet.</p>;
  return (
    // `relative`: the sr-only caption and header are positioned, and would otherwise widen the page itself.
    // The table scrolls in its own (focusable) box on a phone; Revoke stays pinned to the box's right edge.
    <div role="group" aria-label="API keys" tabIndex={0} className="relative overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">API keys</caption>
        <thead className="border-b border-neutral-200 text-neutral-500 dark:text-neutral-400 dark:border-neutral-800">
          <tr>
            <th className="py-2 pr-3 font-medium">Name</th>
            <th className="py-2 pr-3 font-medium">Key</th>
            {admin ? <th className="py-2 pr-3 font-medium">Owner</th> : null}
            <th className="py-2 pr-3 font-medium">Created</th>
            <th className="py-2 pr-3 font-medium">Last used</th>
            <th className="py-2 pr-3 font-medium">Expires</th>
            <th className="py-2 pr-3 font-medium">Status</th>
            <th className={`py-2 font-medium ${pinned}`}><span className="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr key={k.id} className="border-b border-neutral-100 dark:border-neutral-900">
              <td className="py-2 pr-3">{k.name}</td>
              <td className="py-2 pr-3 font-mono text-xs">{k.prefix}…</td>
              {admin ? <td className="py-2 pr-3">{k.ownerEmail}</td> : null}
              <td className="py-2 pr-3 whitespace-nowrap">{when(k.createdAt)}</td>
              <td className="py-2 pr-3 whitespace-nowrap">{when(k.lastUsedAt)}</td>
              <td className="py-2 pr-3 whitespace-nowrap">{k.expiresAt ? when(k.expiresAt) : "Never"}</td>
              <td className="py-2 pr-3">{status(k)}</td>
              <td className={`py-2 pl-2 text-right ${pinned}`}>
                {status(k) === "active" ? <Button variant="secondary" size="sm" onClick={() => onRevoke(k)}>Revoke</Button> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
