-- Reminders: 24 hours before a booked visit, and before a diagnostic booking with a time, the
-- patient is e-mailed once (functions/scheduler, the hourly reminders pass).
--
-- `reminded_time` is the start time the patient was reminded of (NULL: none yet). A booking is
-- owed a reminder while it is booked (has a time), was not reminded of its present start time,
-- and got that time at least 24 hours before it: a booking made later has a booking e-mail that
-- is recent. `reminder_due` (stored, generated: neither MySQL 8 nor MariaDB 10.11 can index the
-- expression itself) is then the start time, and NULL otherwise, so the pass's search for the
-- reminders due — `reminder_due` in (now, now + 24 h] — is a range read of its index that
-- meets only the bookings still owed one: a reminded, cancelled or late-booked one leaves the
-- index's range, and a re-timed one moves in it to its new time. A booking deleted is gone.
--
-- Visits are never re-timed, so their time was set when they were made (`created_at`).

ALTER TABLE doctor_visits
    ADD COLUMN reminded_time DATETIME(6) NULL,
    ADD COLUMN reminder_due DATETIME(6) AS (CASE
        WHEN status = 'booked'
             AND (reminded_time IS NULL OR reminded_time <> date_time)
             AND created_at <= date_time - INTERVAL 24 HOUR
        THEN date_time END) STORED,
    ADD KEY doctor_visits_reminder_due (reminder_due);

-- A diagnostic booking gets its time when staff book it or later (PATCH
-- /booking_diagnostic/{id}, which may also move it), and changes in no other way: `updated_at`
-- is when its present time was set. Marking it reminded leaves `updated_at` as it is.
ALTER TABLE diagnostic_bookings
    ADD COLUMN reminded_time DATETIME(6) NULL,
    ADD COLUMN reminder_due DATETIME(6) AS (CASE
        WHEN date_time IS NOT NULL
             AND (reminded_time IS NULL OR reminded_time <> date_time)
             AND updated_at <= date_time - INTERVAL 24 HOUR
        THEN date_time END) STORED,
    ADD KEY diagnostic_bookings_reminder_due (reminder_due);

-- An e-mail may carry one attachment (the booking's calendar event, `.ics`), kept with it
-- until it is sent.
ALTER TABLE email_outbox
    ADD COLUMN attachment_name VARCHAR(100) NULL,
    ADD COLUMN attachment_type VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NULL,
    ADD COLUMN attachment_content MEDIUMTEXT NULL;
