-- What a clinic owes its patients' records: who read what (the audit trail) and sick-leave
-- certificates (API.md, "Medical records").

-- One event per request that read or changed a patient's record (shared/src/audit.rs). The
-- reader is kept as they were (name, role), so that "who has read my record" still answers
-- after their account is gone; hence no foreign keys, here or below: an event outlives both
-- the reader's and the patient's accounts.
CREATE TABLE audit_events (
    id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    occurred_at   DATETIME(6) NOT NULL,
    actor_id      BIGINT UNSIGNED NOT NULL,
    actor_role    VARCHAR(16) NOT NULL,
    actor_name    VARCHAR(30) NOT NULL,
    actor_surname VARCHAR(30) NOT NULL,
    action        VARCHAR(16) NOT NULL,
    record        VARCHAR(24) NOT NULL,
    record_id     BIGINT UNSIGNED NULL,
    -- The patients it showed, as a JSON array of ids, each once; filed by the trigger below.
    patient_ids   JSON NOT NULL,
    ip_address    VARCHAR(45) NOT NULL,
    PRIMARY KEY (id),
    -- A reader's events, one action's, one kind of record's, each in id order (the staff's
    -- `actor_id`, `action` and `record` filters).
    KEY audit_events_actor (actor_id, id),
    KEY audit_events_action (action, id),
    KEY audit_events_record (record, id),
    -- The date filters: a range of this index gives the ids of a period.
    KEY audit_events_occurred (occurred_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;

-- The patients whose records or profiles an event showed (a list page shows up to 25). Keyed
-- by patient first: a patient's events — their "who has read my record", the staff's
-- `patient_id` filter — are a range of the primary key, in event order.
CREATE TABLE audit_event_patients (
    patient_id BIGINT UNSIGNED NOT NULL,
    event_id   BIGINT UNSIGNED NOT NULL,
    PRIMARY KEY (patient_id, event_id)
) ENGINE = InnoDB;

-- Append-only, whoever connects: the API has no statement that changes an event, and the
-- database refuses any that would.
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events FOR EACH ROW
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit events are append-only';
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events FOR EACH ROW
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit events are append-only';
CREATE TRIGGER audit_event_patients_no_update BEFORE UPDATE ON audit_event_patients FOR EACH ROW
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit events are append-only';
CREATE TRIGGER audit_event_patients_no_delete BEFORE DELETE ON audit_event_patients FOR EACH ROW
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit events are append-only';

-- Each event filed under its patients, in the statement that writes it.
CREATE TRIGGER audit_events_file_patients AFTER INSERT ON audit_events FOR EACH ROW
    INSERT INTO audit_event_patients (patient_id, event_id)
    SELECT shown.patient_id, NEW.id
    FROM JSON_TABLE(NEW.patient_ids, '$[*]' COLUMNS (patient_id BIGINT UNSIGNED PATH '$')) shown;

-- The events' totals, kept like the other lists' (migration 20261203000001_list_positions):
-- per block of 1,024 ids for the whole list and for each action and kind of record
-- (`audit_events:action:read`, `audit_events:record:journal_entry`), and per reader. Events are
-- never changed or deleted, so inserts are all there is to count. A patient's events are not
-- counted here: a list page shows up to 25 patients, whose counts every request reading the
-- same page would update at once; they are counted on their range of audit_event_patients.
CREATE TRIGGER audit_events_count_insert AFTER INSERT ON audit_events FOR EACH ROW
BEGIN
    INSERT INTO list_blocks (list, block, row_count)
    VALUES ('audit_events', NEW.id DIV 1024, 1),
           (CONCAT('audit_events:action:', NEW.action), NEW.id DIV 1024, 1),
           (CONCAT('audit_events:record:', NEW.record), NEW.id DIV 1024, 1)
        ON DUPLICATE KEY UPDATE row_count = row_count + 1;
    INSERT INTO list_key_counts (list, key_id, row_count) VALUES ('audit_events:actor', NEW.actor_id, 1)
        ON DUPLICATE KEY UPDATE row_count = row_count + 1;
END;

-- Sick-leave certificates. Never edited: a correction is a new certificate. The signing doctor
-- is kept as they were when they signed (name, specialty): a certificate is a document, and
-- says what it said when it was issued.
CREATE TABLE sick_leaves (
    id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    user_id          BIGINT UNSIGNED NOT NULL,
    date_from        DATE NOT NULL,
    date_to          DATE NOT NULL,
    diagnosis        VARCHAR(100) NOT NULL,
    notes            TEXT NOT NULL,
    doctor_id        BIGINT UNSIGNED NULL,
    doctor_name      VARCHAR(30) NOT NULL,
    doctor_surname   VARCHAR(30) NOT NULL,
    doctor_specialty VARCHAR(100) NULL,
    created_at       DATETIME(6) NOT NULL,
    updated_at       DATETIME(6) NOT NULL,
    PRIMARY KEY (id),
    -- A patient's own list, and the patient name filters with a diagnosis filter beside them.
    KEY sick_leaves_patient_diagnosis (user_id, diagnosis),
    -- The diagnosis filter: the matching titles first, then their rows.
    KEY sick_leaves_diagnosis (diagnosis),
    KEY sick_leaves_doctor (doctor_id),
    -- Like journal entries, certificates are kept: a patient with some cannot be deleted.
    CONSTRAINT sick_leaves_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE RESTRICT,
    CONSTRAINT sick_leaves_doctor_fk FOREIGN KEY (doctor_id) REFERENCES users (id) ON DELETE SET NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;

CREATE TRIGGER sick_leaves_count_insert AFTER INSERT ON sick_leaves FOR EACH ROW
BEGIN
    INSERT INTO list_blocks (list, block, row_count) VALUES ('sick_leaves', NEW.id DIV 1024, 1)
        ON DUPLICATE KEY UPDATE row_count = row_count + 1;
    INSERT INTO list_key_counts (list, key_id, row_count) VALUES ('sick_leaves:patient', NEW.user_id, 1)
        ON DUPLICATE KEY UPDATE row_count = row_count + 1;
    INSERT INTO list_title_counts (list, title, row_count)
    VALUES ('sick_leaves', CAST(NEW.diagnosis AS BINARY), 1)
        ON DUPLICATE KEY UPDATE row_count = row_count + 1;
END;

-- No API deletes a certificate; a deletion by hand keeps the counts right all the same.
CREATE TRIGGER sick_leaves_count_delete AFTER DELETE ON sick_leaves FOR EACH ROW
BEGIN
    UPDATE list_blocks SET row_count = row_count - 1
    WHERE list = 'sick_leaves' AND block = OLD.id DIV 1024;
    UPDATE list_key_counts SET row_count = row_count - 1
    WHERE list = 'sick_leaves:patient' AND key_id = OLD.user_id;
    UPDATE list_title_counts SET row_count = row_count - 1
    WHERE list = 'sick_leaves' AND title = CAST(OLD.diagnosis AS BINARY);
END;

-- The events' totals are read from the counts above on every request, never cached: a cache
-- keyed by a version that every read bumps would serialise the clinic's reads on one row.
INSERT INTO collection_versions (name, version) VALUES ('sick_leave', 0);
