"use client";

import type { KeyListing } from "@/lib/keys/types";
import { Button } from "@/components/ui/button";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";

const when = (ms: number | null) => (ms ? new Date(ms).toLocaleString() : "—");

function status(k: KeyListing): "active" | "revoked" | "expired" {
  if (k.revokedAt) return "revoked";
  if (k.expiresAt && k.expiresAt <= Date.now()) return "expired";
  return "active";
}

export function KeysTable({
  keys,
  admin,
  onRevoke,
}: {
  keys: KeyListing[];
  admin: boolean;
  onRevoke: (k: KeyListing) => void;
}) {
  if (!keys.length) return <p className="text-sm text-neutral-500 dark:text-neutral-400">No API keys yet.</p>;
  return (
    // The table scrolls in its own (focusable) box on a phone; Revoke stays pinned to the box's right edge.
    <Table label="API keys">
      <TableHeader>
        <TableRow>
          <TableHead>Name</TableHead>
          <TableHead>Key</TableHead>
          {admin ? <TableHead>Owner</TableHead> : null}
          <TableHead>Created</TableHead>
          <TableHead>Last used</TableHead>
          <TableHead>Expires</TableHead>
          <TableHead>Status</TableHead>
          <TableHead pinned>
            <span className="sr-only">Actions</span>
          </TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {keys.map((k) => (
          <TableRow key={k.id}>
            <TableCell>{k.name}</TableCell>
            <TableCell className="whitespace-nowrap font-mono text-xs">{k.prefix}…</TableCell>
            {admin ? <TableCell>{k.ownerEmail}</TableCell> : null}
            <TableCell className="whitespace-nowrap">{when(k.createdAt)}</TableCell>
            <TableCell className="whitespace-nowrap">{when(k.lastUsedAt)}</TableCell>
            <TableCell className="whitespace-nowrap">{k.expiresAt ? when(k.expiresAt) : "Never"}</TableCell>
            <TableCell>{status(k)}</TableCell>
            <TableCell pinned className="text-right">
              {status(k) === "active" ? (
                <Button variant="secondary" size="sm" onClick={() => onRevoke(k)}>
                  Revoke
                </Button>
              ) : null}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
