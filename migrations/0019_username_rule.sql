-- Usernames follow the rule people know from other apps: letters, digits, "_" and ".", 1 to 30
-- characters, no "." at either end and never two in a row. Names made only of dots were
-- accepted before, and their profile links broke (a browser resolves /u/.. to /).
--
-- Existing names that break the rule are renamed before the constraint is tightened, and every
-- rename is reported (RAISE NOTICE, which `flask db upgrade` prints), so the operator can tell
-- the people concerned; they can still log in with their email address. The new name is the
-- old one with the dots at either end dropped and each run of dots made one dot ("..x..y." ->
-- "x.y"; nothing left -> "user"). If another account has that name (in any case), "_<user id>"
-- is appended (the name shortened to fit 30 characters), and a counter after that if need be.
-- Accounts are renamed in id order, so the result is the same on every copy of the data.
-- Their media keys keep the old name: keys are opaque and stay valid (photoshare/media/keys.py).
DO $$
DECLARE
    account record;
    wanted text;
    candidate text;
    suffix text;
    attempt integer;
BEGIN
    FOR account IN
        SELECT id, username FROM users WHERE username ~ '^\.|\.$|\.\.' ORDER BY id
    LOOP
        wanted := regexp_replace(btrim(account.username, '.'), '\.{2,}', '.', 'g');
        IF wanted = '' THEN
            wanted := 'user';
        END IF;
        candidate := wanted;
        attempt := 0;
        WHILE EXISTS (SELECT 1 FROM users WHERE lower(username) = lower(candidate) AND id <> account.id) LOOP
            attempt := attempt + 1;
            suffix := '_' || account.id || CASE WHEN attempt > 1 THEN '_' || attempt ELSE '' END;
            -- Shortening may leave a dot at the end, which the rule forbids.
            candidate := rtrim(left(wanted, 30 - length(suffix)), '.') || suffix;
        END LOOP;
        UPDATE users SET username = candidate WHERE id = account.id;
        RAISE NOTICE 'renamed user % from "%" to "%" (the old name breaks the username rule)',
            account.id, account.username, candidate;
    END LOOP;
END;
$$;

ALTER TABLE users DROP CONSTRAINT users_username_format;
ALTER TABLE users ADD CONSTRAINT users_username_format
    CHECK (username ~ '^[A-Za-z0-9_.]{1,30}$' AND username !~ '^\.|\.$|\.\.');
