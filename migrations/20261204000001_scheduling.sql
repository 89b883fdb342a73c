-- Scheduling: how long visits last, and when each doctor works.
--
-- A visit occupies [date_time, date_time + duration_minutes). Overlaps are refused by the
-- booking's transaction, which locks the doctor's roles row and then the patient's users row
-- before it looks (functions/booking-doctor): the range to look in is bounded, since no visit
-- is longer than 240 minutes, and read through `doctor_visits_doctor_slot` (doctor, time) and
-- `doctor_visits_patient_time` (patient, time).

-- The doctor's usual visit length: the default of each new visit and the step of free slots.
ALTER TABLE roles
    ADD COLUMN visit_minutes SMALLINT UNSIGNED NOT NULL DEFAULT 30,
    ADD CONSTRAINT roles_visit_minutes_valid CHECK (visit_minutes BETWEEN 5 AND 240);

-- Visits booked before lengths existed keep the old default's meaning: 30 minutes.
ALTER TABLE doctor_visits
    ADD COLUMN duration_minutes SMALLINT UNSIGNED NOT NULL DEFAULT 30,
    ADD KEY doctor_visits_patient_time (user_id, date_time),
    ADD CONSTRAINT doctor_visits_duration_valid CHECK (duration_minutes BETWEEN 5 AND 240);

-- The weekly template: intervals of clinic time per ISO weekday (1 = Monday). A doctor with no
-- rows has no set hours and is bookable at any time outside their absences.
CREATE TABLE doctor_hours (
    doctor_id BIGINT UNSIGNED NOT NULL,
    weekday   TINYINT UNSIGNED NOT NULL,
    starts    TIME NOT NULL,
    ends      TIME NOT NULL,
    PRIMARY KEY (doctor_id, weekday, starts),
    CONSTRAINT doctor_hours_doctor_fk FOREIGN KEY (doctor_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT doctor_hours_weekday_valid CHECK (weekday BETWEEN 1 AND 7),
    CONSTRAINT doctor_hours_interval_valid CHECK (starts < ends)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;

-- Dated exceptions: an absence (the whole day when `starts` and `ends` are NULL) or extra
-- hours on one clinic date. Read per doctor and date range through the key.
CREATE TABLE doctor_hour_exceptions (
    id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    doctor_id     BIGINT UNSIGNED NOT NULL,
    day           DATE NOT NULL,
    kind          VARCHAR(7) NOT NULL,
    starts        TIME NULL,
    ends          TIME NULL,
    note          VARCHAR(200) NOT NULL DEFAULT '',
    created_by_id BIGINT UNSIGNED NULL,
    created_at    DATETIME(6) NOT NULL,
    PRIMARY KEY (id),
    KEY doctor_hour_exceptions_doctor_day (doctor_id, day),
    CONSTRAINT doctor_hour_exceptions_doctor_fk FOREIGN KEY (doctor_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT doctor_hour_exceptions_created_by_fk FOREIGN KEY (created_by_id) REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT doctor_hour_exceptions_kind_valid CHECK (kind IN ('absence', 'extra')),
    CONSTRAINT doctor_hour_exceptions_interval_valid CHECK (
        (starts IS NULL AND ends IS NULL AND kind = 'absence') OR (starts < ends))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;
