-- A session's id is kept as its SHA-256 (hex), as an API key is: the table no longer holds what a cookie
-- carries. A raw id is 24 characters (18 random bytes, base64url); a hash is 64, so nothing is hashed twice.
UPDATE "sessions" SET "id" = encode(sha256(convert_to("id", 'UTF8')), 'hex') WHERE length("id") <> 64;
