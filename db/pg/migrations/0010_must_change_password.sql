-- A password someone else set (Add user, Reset password, npm run users) is to be replaced at the next sign-in.
-- Accounts that exist already are not marked: nobody can tell whose passwords were handed out before.
ALTER TABLE "users" ADD COLUMN "must_change_password" boolean DEFAULT false NOT NULL;
