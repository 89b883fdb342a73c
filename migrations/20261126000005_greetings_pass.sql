-- The daily greetings pass (functions/scheduler).

-- Birthdays are read in batches keyed by user id within one month-day (birth_month_day is the
-- stored generated column MONTH * 100 + DAY of date_of_birth: neither MySQL 8 nor MariaDB 10.11
-- can index the expression itself). With the user id in the index, a batch is an index range
-- read in the batch's order, however many people share the day.
ALTER TABLE profiles
    DROP INDEX profiles_birth_month_day,
    ADD INDEX profiles_birth_month_day_user (birth_month_day, user_id);

-- A pass claims its recipients with one INSERT IGNORE ... SELECT against the unique key
-- (user_id, greeting, year), marking the rows it inserted with its own id, and then reads back
-- exactly those: a user some other run already claimed is never e-mailed twice.
ALTER TABLE greetings_sent
    ADD COLUMN run_id CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NULL AFTER year;

-- A big day's greetings take the outbox pass a while at SES's rate (100,000 at 14 a second: two
-- hours). Notifications a request could not send must not wait behind them: the pass takes rows
-- in the order of this index, notifications (bulk = FALSE) first.
ALTER TABLE email_outbox
    ADD COLUMN bulk BOOLEAN NOT NULL DEFAULT FALSE AFTER kind,
    DROP INDEX email_outbox_due,
    ADD INDEX email_outbox_due (sent_at, failed_at, bulk, next_attempt_at);
