-- A password someone else set (Add user, Reset password, npm run users) is to be replaced at the next sign-in.
-- Accounts that exist already are not marked: nobody can tell whose passwords were handed out before.
ALTER TABLE `users` ADD `must_change_password` integer DEFAULT false NOT NULL;
