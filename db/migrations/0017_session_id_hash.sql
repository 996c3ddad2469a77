-- A session's id is kept as its SHA-256 (hex), as an API key is: the table no longer holds what a cookie
-- carries. sha256_hex is registered on the connection by db/engines/sqlite.ts before migrating. A raw id is
-- 24 characters (18 random bytes, base64url); a hash is 64, so nothing is hashed twice.
UPDATE `sessions` SET `id` = sha256_hex(`id`) WHERE length(`id`) <> 64;
