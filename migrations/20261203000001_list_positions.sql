-- Lists whose cost is bounded by the page, not by the table (docs/PERFORMANCE.md, "Lists at a
-- million rows").
--
-- InnoDB can neither count nor skip rows without reading them: `COUNT(*)` and
-- `LIMIT 25 OFFSET 500000` both walk half a million index entries (about 0.2 s at a million
-- visits). So every big list keeps, per block of 1,024 consecutive ids, how many rows it holds:
-- a list's total is the sum of its blocks, and page N starts in the block where the running sum
-- passes its offset, from which at most 1,024 + 25 index entries are read. A "list" is a table
-- or one exact slice of it that a filter asks for (booked visits, patients, refused sign-ins).
--
-- Text filters ("visits of patients whose surname contains 'lind'") are answered from the
-- small side first: the patients (or doctors, modalities, diagnoses) that match, found through
-- an index, and how many rows of the big list each of them has, kept in list_key_counts and
-- list_title_counts. A filter's total is then the sum over what matched, and its page is read
-- through the big table's index on that key, or in id order when the matches are so many that
-- the first page is close by (shared/src/lists, "plans").
--
-- The counts are derived data, kept by the triggers below in the same statement as the change
-- they count, so no writer can forget them and a rolled-back change is un-counted with it.
-- Cascaded deletes fire no triggers in MySQL or MariaDB: the only cascade that touches a counted
-- list (a user's roles row) is handled by the users trigger, which runs before it.
-- On MySQL with binary logging (RDS), creating triggers needs `log_bin_trust_function_creators`
-- = 1 in the DB parameter group (README, "Deploying").
CREATE TABLE list_blocks (
    list      VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    -- id DIV 1024
    block     INT UNSIGNED NOT NULL,
    row_count INT NOT NULL,
    PRIMARY KEY (list, block)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;

CREATE TABLE list_key_counts (
    -- the list and the column it is keyed by, such as 'doctor_visits:patient'
    list      VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    key_id    BIGINT UNSIGNED NOT NULL,
    row_count INT NOT NULL,
    PRIMARY KEY (list, key_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;

-- Journal entries and prescriptions per distinct diagnosis or recipe, byte for byte (VARBINARY:
-- even PAD SPACE collations would merge "Flu" and "Flu ", which LIKE '%u ' tells apart).
CREATE TABLE list_title_counts (
    list      VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    title     VARBINARY(400) NOT NULL,
    row_count INT NOT NULL,
    PRIMARY KEY (list, title)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;

-- Every suffix of each profile's name, surname, city and country: "the surname contains 'lind'"
-- is "a suffix of the surname starts with 'lind'", an index range in the same collation, so the
-- patients a text filter names are found without reading every profile (100,000 of them take
-- about 40 ms to scan). field: 1 name, 2 surname, 3 city, 4 country.
CREATE TABLE profile_suffixes (
    field   TINYINT UNSIGNED NOT NULL,
    suffix  VARCHAR(30) NOT NULL,
    user_id BIGINT UNSIGNED NOT NULL,
    PRIMARY KEY (field, suffix, user_id),
    -- a row's check "does this user's surname contain ..." reads only that field's suffixes
    KEY profile_suffixes_user (user_id, field, suffix),
    CONSTRAINT profile_suffixes_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;

-- 1 .. 30, the longest profile text: where suffixes start.
CREATE TABLE suffix_positions (n TINYINT UNSIGNED NOT NULL, PRIMARY KEY (n)) ENGINE = InnoDB;
INSERT INTO suffix_positions (n) VALUES (1), (2), (3), (4), (5), (6), (7), (8), (9), (10), (11),
    (12), (13), (14), (15), (16), (17), (18), (19), (20), (21), (22), (23), (24), (25), (26),
    (27), (28), (29), (30);

-- What is there already.
INSERT INTO list_blocks (list, block, row_count)
SELECT 'users', id DIV 1024, COUNT(*) FROM users GROUP BY id DIV 1024;
INSERT INTO list_blocks (list, block, row_count)
SELECT 'patients', u.id DIV 1024, COUNT(*) FROM users u
WHERE u.is_superuser = FALSE AND u.is_staff = FALSE
  AND NOT EXISTS (SELECT 1 FROM roles r WHERE r.user_id = u.id)
GROUP BY u.id DIV 1024;
INSERT INTO list_blocks (list, block, row_count)
SELECT 'doctor_visits', id DIV 1024, COUNT(*) FROM doctor_visits GROUP BY id DIV 1024;
INSERT INTO list_blocks (list, block, row_count)
SELECT CONCAT('doctor_visits:', status), id DIV 1024, COUNT(*) FROM doctor_visits
GROUP BY status, id DIV 1024;
INSERT INTO list_blocks (list, block, row_count)
SELECT 'diagnostic_bookings', id DIV 1024, COUNT(*) FROM diagnostic_bookings GROUP BY id DIV 1024;
INSERT INTO list_blocks (list, block, row_count)
SELECT 'patient_cards', id DIV 1024, COUNT(*) FROM patient_cards GROUP BY id DIV 1024;
INSERT INTO list_blocks (list, block, row_count)
SELECT 'patient_recipes', id DIV 1024, COUNT(*) FROM patient_recipes GROUP BY id DIV 1024;
INSERT INTO list_blocks (list, block, row_count)
SELECT 'login_attempts', id DIV 1024, COUNT(*) FROM login_attempts GROUP BY id DIV 1024;
INSERT INTO list_blocks (list, block, row_count)
SELECT IF(success, 'login_attempts:success', 'login_attempts:failure'), id DIV 1024, COUNT(*)
FROM login_attempts GROUP BY success, id DIV 1024;
-- The login history in time order, in blocks of one day (UTC) instead of 1,024 ids: time and id
-- orders differ by the odd microsecond between two concurrent sign-ins.
INSERT INTO list_blocks (list, block, row_count)
SELECT 'login_attempts:day', DATEDIFF(created_at, '2000-01-01'), COUNT(*) FROM login_attempts
GROUP BY DATEDIFF(created_at, '2000-01-01');
INSERT INTO list_blocks (list, block, row_count)
SELECT IF(success, 'login_attempts:success:day', 'login_attempts:failure:day'),
       DATEDIFF(created_at, '2000-01-01'), COUNT(*)
FROM login_attempts GROUP BY success, DATEDIFF(created_at, '2000-01-01');

INSERT INTO list_key_counts (list, key_id, row_count)
SELECT 'doctor_visits:patient', user_id, COUNT(*) FROM doctor_visits GROUP BY user_id;
INSERT INTO list_key_counts (list, key_id, row_count)
SELECT 'doctor_visits:doctor', doctor_id, COUNT(*) FROM doctor_visits GROUP BY doctor_id;
INSERT INTO list_key_counts (list, key_id, row_count)
SELECT CONCAT('doctor_visits:', status, ':patient'), user_id, COUNT(*) FROM doctor_visits
GROUP BY status, user_id;
INSERT INTO list_key_counts (list, key_id, row_count)
SELECT CONCAT('doctor_visits:', status, ':doctor'), doctor_id, COUNT(*) FROM doctor_visits
GROUP BY status, doctor_id;
INSERT INTO list_key_counts (list, key_id, row_count)
SELECT 'diagnostic_bookings:patient', user_id, COUNT(*) FROM diagnostic_bookings GROUP BY user_id;
INSERT INTO list_key_counts (list, key_id, row_count)
SELECT 'diagnostic_bookings:modality', diagnostic_id, COUNT(*) FROM diagnostic_bookings
GROUP BY diagnostic_id;
INSERT INTO list_key_counts (list, key_id, row_count)
SELECT 'patient_cards:patient', user_id, COUNT(*) FROM patient_cards GROUP BY user_id;
INSERT INTO list_key_counts (list, key_id, row_count)
SELECT 'patient_recipes:patient', user_id, COUNT(*) FROM patient_recipes GROUP BY user_id;

INSERT INTO list_title_counts (list, title, row_count)
SELECT 'patient_cards', CAST(diagnosis AS BINARY), COUNT(*) FROM patient_cards
GROUP BY CAST(diagnosis AS BINARY);
INSERT INTO list_title_counts (list, title, row_count)
SELECT 'patient_recipes', CAST(recipe AS BINARY), COUNT(*) FROM patient_recipes
GROUP BY CAST(recipe AS BINARY);

INSERT IGNORE INTO profile_suffixes (field, suffix, user_id)
SELECT f.field, SUBSTRING(f.text, s.n), f.user_id
FROM (SELECT 1 AS field, name AS text, user_id FROM profiles
      UNION ALL SELECT 2, surname, user_id FROM profiles
      UNION ALL SELECT 3, city, user_id FROM profiles
      UNION ALL SELECT 4, country, user_id FROM profiles) f
JOIN suffix_positions s ON s.n <= CHAR_LENGTH(f.text);

-- The triggers. A count goes up by INSERT ... ON DUPLICATE KEY UPDATE (its block or key may be
-- new) and down by UPDATE (its row is there). Every trigger touches list_blocks, then
-- list_key_counts, then list_title_counts, each in list-name order, so that two writers lock
-- the rows they share in the same order.

-- Users, and the patients among them: no staff flag, no superuser flag, no staff role.
CREATE TRIGGER users_count_insert AFTER INSERT ON users FOR EACH ROW
BEGIN
    IF NOT NEW.is_superuser AND NOT NEW.is_staff THEN
        INSERT INTO list_blocks (list, block, row_count) VALUES ('patients', NEW.id DIV 1024, 1)
            ON DUPLICATE KEY UPDATE row_count = row_count + 1;
    END IF;
    INSERT INTO list_blocks (list, block, row_count) VALUES ('users', NEW.id DIV 1024, 1)
        ON DUPLICATE KEY UPDATE row_count = row_count + 1;
END;

CREATE TRIGGER users_count_update AFTER UPDATE ON users FOR EACH ROW
BEGIN
    IF (OLD.is_superuser OR OLD.is_staff) <> (NEW.is_superuser OR NEW.is_staff)
       AND NOT EXISTS (SELECT 1 FROM roles WHERE user_id = NEW.id) THEN
        INSERT INTO list_blocks (list, block, row_count)
        VALUES ('patients', NEW.id DIV 1024, IF(NEW.is_superuser OR NEW.is_staff, -1, 1))
            ON DUPLICATE KEY UPDATE row_count = row_count + IF(NEW.is_superuser OR NEW.is_staff, -1, 1);
    END IF;
END;

-- Before the delete, while the roles row that the delete cascades to still says who they were.
-- Should the delete then fail (a patient with visits), the statement is undone with this.
CREATE TRIGGER users_count_delete BEFORE DELETE ON users FOR EACH ROW
BEGIN
    IF NOT OLD.is_superuser AND NOT OLD.is_staff
       AND NOT EXISTS (SELECT 1 FROM roles WHERE user_id = OLD.id) THEN
        UPDATE list_blocks SET row_count = row_count - 1
        WHERE list = 'patients' AND block = OLD.id DIV 1024;
    END IF;
    UPDATE list_blocks SET row_count = row_count - 1 WHERE list = 'users' AND block = OLD.id DIV 1024;
END;

-- A staff role makes a patient a staff member, and its removal a patient again. A roles row's
-- user never changes.
CREATE TRIGGER roles_count_insert AFTER INSERT ON roles FOR EACH ROW
    UPDATE list_blocks l JOIN users u ON u.id = NEW.user_id
    SET l.row_count = l.row_count - 1
    WHERE l.list = 'patients' AND l.block = NEW.user_id DIV 1024
      AND NOT u.is_superuser AND NOT u.is_staff;

CREATE TRIGGER roles_count_delete AFTER DELETE ON roles FOR EACH ROW
    UPDATE list_blocks l JOIN users u ON u.id = OLD.user_id
    SET l.row_count = l.row_count + 1
    WHERE l.list = 'patients' AND l.block = OLD.user_id DIV 1024
      AND NOT u.is_superuser AND NOT u.is_staff;

-- A profile's suffixes follow its text; they go with the user (foreign key).
CREATE TRIGGER profiles_suffixes_insert AFTER INSERT ON profiles FOR EACH ROW
    INSERT IGNORE INTO profile_suffixes (field, suffix, user_id)
    SELECT f.field, SUBSTRING(f.text, s.n), NEW.user_id
    FROM (SELECT 1 AS field, NEW.name AS text UNION ALL SELECT 2, NEW.surname
          UNION ALL SELECT 3, NEW.city UNION ALL SELECT 4, NEW.country) f
    JOIN suffix_positions s ON s.n <= CHAR_LENGTH(f.text);

CREATE TRIGGER profiles_suffixes_update AFTER UPDATE ON profiles FOR EACH ROW
BEGIN
    IF NOT (OLD.name <=> NEW.name AND OLD.surname <=> NEW.surname
            AND OLD.city <=> NEW.city AND OLD.country <=> NEW.country) THEN
        DELETE FROM profile_suffixes WHERE user_id = OLD.user_id;
        INSERT IGNORE INTO profile_suffixes (field, suffix, user_id)
        SELECT f.field, SUBSTRING(f.text, s.n), NEW.user_id
        FROM (SELECT 1 AS field, NEW.name AS text UNION ALL SELECT 2, NEW.surname
              UNION ALL SELECT 3, NEW.city UNION ALL SELECT 4, NEW.country) f
        JOIN suffix_positions s ON s.n <= CHAR_LENGTH(f.text);
    END IF;
END;

-- Visits: in all, booked or cancelled (a cancellation moves a visit from one to the other), per
-- doctor and per patient, and per doctor and per patient among the booked or the cancelled ones
-- (`doctor_visits:booked:doctor`, ...).
CREATE TRIGGER doctor_visits_count_insert AFTER INSERT ON doctor_visits FOR EACH ROW
BEGIN
    INSERT INTO list_blocks (list, block, row_count) VALUES ('doctor_visits', NEW.id DIV 1024, 1)
        ON DUPLICATE KEY UPDATE row_count = row_count + 1;
    INSERT INTO list_blocks (list, block, row_count)
    VALUES (CONCAT('doctor_visits:', NEW.status), NEW.id DIV 1024, 1)
        ON DUPLICATE KEY UPDATE row_count = row_count + 1;
    INSERT INTO list_key_counts (list, key_id, row_count)
    VALUES (CONCAT('doctor_visits:', NEW.status, ':doctor'), NEW.doctor_id, 1),
           (CONCAT('doctor_visits:', NEW.status, ':patient'), NEW.user_id, 1),
           ('doctor_visits:doctor', NEW.doctor_id, 1),
           ('doctor_visits:patient', NEW.user_id, 1)
        ON DUPLICATE KEY UPDATE row_count = row_count + 1;
END;

CREATE TRIGGER doctor_visits_count_update AFTER UPDATE ON doctor_visits FOR EACH ROW
BEGIN
    IF OLD.status <> NEW.status THEN
        UPDATE list_blocks SET row_count = row_count - 1
        WHERE list = CONCAT('doctor_visits:', OLD.status) AND block = OLD.id DIV 1024;
        INSERT INTO list_blocks (list, block, row_count)
        VALUES (CONCAT('doctor_visits:', NEW.status), NEW.id DIV 1024, 1)
            ON DUPLICATE KEY UPDATE row_count = row_count + 1;
    END IF;
    IF OLD.status <> NEW.status OR OLD.doctor_id <> NEW.doctor_id OR OLD.user_id <> NEW.user_id THEN
        UPDATE list_key_counts SET row_count = row_count - 1
        WHERE (list = CONCAT('doctor_visits:', OLD.status, ':doctor') AND key_id = OLD.doctor_id)
           OR (list = CONCAT('doctor_visits:', OLD.status, ':patient') AND key_id = OLD.user_id)
           OR (list = 'doctor_visits:doctor' AND key_id = OLD.doctor_id)
           OR (list = 'doctor_visits:patient' AND key_id = OLD.user_id);
        INSERT INTO list_key_counts (list, key_id, row_count)
        VALUES (CONCAT('doctor_visits:', NEW.status, ':doctor'), NEW.doctor_id, 1),
               (CONCAT('doctor_visits:', NEW.status, ':patient'), NEW.user_id, 1),
               ('doctor_visits:doctor', NEW.doctor_id, 1),
               ('doctor_visits:patient', NEW.user_id, 1)
            ON DUPLICATE KEY UPDATE row_count = row_count + 1;
    END IF;
END;

CREATE TRIGGER doctor_visits_count_delete AFTER DELETE ON doctor_visits FOR EACH ROW
BEGIN
    UPDATE list_blocks SET row_count = row_count - 1
    WHERE list IN ('doctor_visits', CONCAT('doctor_visits:', OLD.status)) AND block = OLD.id DIV 1024;
    UPDATE list_key_counts SET row_count = row_count - 1
    WHERE (list = CONCAT('doctor_visits:', OLD.status, ':doctor') AND key_id = OLD.doctor_id)
       OR (list = CONCAT('doctor_visits:', OLD.status, ':patient') AND key_id = OLD.user_id)
       OR (list = 'doctor_visits:doctor' AND key_id = OLD.doctor_id)
       OR (list = 'doctor_visits:patient' AND key_id = OLD.user_id);
END;

-- Diagnostic bookings: in all, per modality and per patient.
CREATE TRIGGER diagnostic_bookings_count_insert AFTER INSERT ON diagnostic_bookings FOR EACH ROW
BEGIN
    INSERT INTO list_blocks (list, block, row_count) VALUES ('diagnostic_bookings', NEW.id DIV 1024, 1)
        ON DUPLICATE KEY UPDATE row_count = row_count + 1;
    INSERT INTO list_key_counts (list, key_id, row_count)
    VALUES ('diagnostic_bookings:modality', NEW.diagnostic_id, 1)
        ON DUPLICATE KEY UPDATE row_count = row_count + 1;
    INSERT INTO list_key_counts (list, key_id, row_count)
    VALUES ('diagnostic_bookings:patient', NEW.user_id, 1)
        ON DUPLICATE KEY UPDATE row_count = row_count + 1;
END;

CREATE TRIGGER diagnostic_bookings_count_update AFTER UPDATE ON diagnostic_bookings FOR EACH ROW
BEGIN
    IF OLD.diagnostic_id <> NEW.diagnostic_id THEN
        UPDATE list_key_counts SET row_count = row_count - 1
        WHERE list = 'diagnostic_bookings:modality' AND key_id = OLD.diagnostic_id;
        INSERT INTO list_key_counts (list, key_id, row_count)
        VALUES ('diagnostic_bookings:modality', NEW.diagnostic_id, 1)
            ON DUPLICATE KEY UPDATE row_count = row_count + 1;
    END IF;
    IF OLD.user_id <> NEW.user_id THEN
        UPDATE list_key_counts SET row_count = row_count - 1
        WHERE list = 'diagnostic_bookings:patient' AND key_id = OLD.user_id;
        INSERT INTO list_key_counts (list, key_id, row_count)
        VALUES ('diagnostic_bookings:patient', NEW.user_id, 1)
            ON DUPLICATE KEY UPDATE row_count = row_count + 1;
    END IF;
END;

CREATE TRIGGER diagnostic_bookings_count_delete AFTER DELETE ON diagnostic_bookings FOR EACH ROW
BEGIN
    UPDATE list_blocks SET row_count = row_count - 1
    WHERE list = 'diagnostic_bookings' AND block = OLD.id DIV 1024;
    UPDATE list_key_counts SET row_count = row_count - 1
    WHERE (list = 'diagnostic_bookings:modality' AND key_id = OLD.diagnostic_id)
       OR (list = 'diagnostic_bookings:patient' AND key_id = OLD.user_id);
END;

-- Journal entries and prescriptions: in all, per patient and per diagnosis or recipe. They are
-- never edited through the API; the update triggers keep the counts right should one be
-- corrected by hand.
CREATE TRIGGER patient_cards_count_insert AFTER INSERT ON patient_cards FOR EACH ROW
BEGIN
    INSERT INTO list_blocks (list, block, row_count) VALUES ('patient_cards', NEW.id DIV 1024, 1)
        ON DUPLICATE KEY UPDATE row_count = row_count + 1;
    INSERT INTO list_key_counts (list, key_id, row_count) VALUES ('patient_cards:patient', NEW.user_id, 1)
        ON DUPLICATE KEY UPDATE row_count = row_count + 1;
    INSERT INTO list_title_counts (list, title, row_count)
    VALUES ('patient_cards', CAST(NEW.diagnosis AS BINARY), 1)
        ON DUPLICATE KEY UPDATE row_count = row_count + 1;
END;

CREATE TRIGGER patient_cards_count_update AFTER UPDATE ON patient_cards FOR EACH ROW
BEGIN
    IF OLD.user_id <> NEW.user_id THEN
        UPDATE list_key_counts SET row_count = row_count - 1
        WHERE list = 'patient_cards:patient' AND key_id = OLD.user_id;
        INSERT INTO list_key_counts (list, key_id, row_count) VALUES ('patient_cards:patient', NEW.user_id, 1)
            ON DUPLICATE KEY UPDATE row_count = row_count + 1;
    END IF;
    IF CAST(OLD.diagnosis AS BINARY) <> CAST(NEW.diagnosis AS BINARY) THEN
        UPDATE list_title_counts SET row_count = row_count - 1
        WHERE list = 'patient_cards' AND title = CAST(OLD.diagnosis AS BINARY);
        INSERT INTO list_title_counts (list, title, row_count)
        VALUES ('patient_cards', CAST(NEW.diagnosis AS BINARY), 1)
            ON DUPLICATE KEY UPDATE row_count = row_count + 1;
    END IF;
END;

CREATE TRIGGER patient_cards_count_delete AFTER DELETE ON patient_cards FOR EACH ROW
BEGIN
    UPDATE list_blocks SET row_count = row_count - 1
    WHERE list = 'patient_cards' AND block = OLD.id DIV 1024;
    UPDATE list_key_counts SET row_count = row_count - 1
    WHERE list = 'patient_cards:patient' AND key_id = OLD.user_id;
    UPDATE list_title_counts SET row_count = row_count - 1
    WHERE list = 'patient_cards' AND title = CAST(OLD.diagnosis AS BINARY);
END;

CREATE TRIGGER patient_recipes_count_insert AFTER INSERT ON patient_recipes FOR EACH ROW
BEGIN
    INSERT INTO list_blocks (list, block, row_count) VALUES ('patient_recipes', NEW.id DIV 1024, 1)
        ON DUPLICATE KEY UPDATE row_count = row_count + 1;
    INSERT INTO list_key_counts (list, key_id, row_count) VALUES ('patient_recipes:patient', NEW.user_id, 1)
        ON DUPLICATE KEY UPDATE row_count = row_count + 1;
    INSERT INTO list_title_counts (list, title, row_count)
    VALUES ('patient_recipes', CAST(NEW.recipe AS BINARY), 1)
        ON DUPLICATE KEY UPDATE row_count = row_count + 1;
END;

CREATE TRIGGER patient_recipes_count_update AFTER UPDATE ON patient_recipes FOR EACH ROW
BEGIN
    IF OLD.user_id <> NEW.user_id THEN
        UPDATE list_key_counts SET row_count = row_count - 1
        WHERE list = 'patient_recipes:patient' AND key_id = OLD.user_id;
        INSERT INTO list_key_counts (list, key_id, row_count) VALUES ('patient_recipes:patient', NEW.user_id, 1)
            ON DUPLICATE KEY UPDATE row_count = row_count + 1;
    END IF;
    IF CAST(OLD.recipe AS BINARY) <> CAST(NEW.recipe AS BINARY) THEN
        UPDATE list_title_counts SET row_count = row_count - 1
        WHERE list = 'patient_recipes' AND title = CAST(OLD.recipe AS BINARY);
        INSERT INTO list_title_counts (list, title, row_count)
        VALUES ('patient_recipes', CAST(NEW.recipe AS BINARY), 1)
            ON DUPLICATE KEY UPDATE row_count = row_count + 1;
    END IF;
END;

CREATE TRIGGER patient_recipes_count_delete AFTER DELETE ON patient_recipes FOR EACH ROW
BEGIN
    UPDATE list_blocks SET row_count = row_count - 1
    WHERE list = 'patient_recipes' AND block = OLD.id DIV 1024;
    UPDATE list_key_counts SET row_count = row_count - 1
    WHERE list = 'patient_recipes:patient' AND key_id = OLD.user_id;
    UPDATE list_title_counts SET row_count = row_count - 1
    WHERE list = 'patient_recipes' AND title = CAST(OLD.recipe AS BINARY);
END;

-- Login history: in all and by outcome, in id blocks and in day blocks. Attempts are never
-- edited.
CREATE TRIGGER login_attempts_count_insert AFTER INSERT ON login_attempts FOR EACH ROW
BEGIN
    INSERT INTO list_blocks (list, block, row_count) VALUES ('login_attempts', NEW.id DIV 1024, 1)
        ON DUPLICATE KEY UPDATE row_count = row_count + 1;
    INSERT INTO list_blocks (list, block, row_count)
    VALUES ('login_attempts:day', DATEDIFF(NEW.created_at, '2000-01-01'), 1)
        ON DUPLICATE KEY UPDATE row_count = row_count + 1;
    INSERT INTO list_blocks (list, block, row_count)
    VALUES (IF(NEW.success, 'login_attempts:success', 'login_attempts:failure'), NEW.id DIV 1024, 1)
        ON DUPLICATE KEY UPDATE row_count = row_count + 1;
    INSERT INTO list_blocks (list, block, row_count)
    VALUES (IF(NEW.success, 'login_attempts:success:day', 'login_attempts:failure:day'),
            DATEDIFF(NEW.created_at, '2000-01-01'), 1)
        ON DUPLICATE KEY UPDATE row_count = row_count + 1;
END;

CREATE TRIGGER login_attempts_count_delete AFTER DELETE ON login_attempts FOR EACH ROW
BEGIN
    UPDATE list_blocks SET row_count = row_count - 1
    WHERE list IN ('login_attempts', IF(OLD.success, 'login_attempts:success', 'login_attempts:failure'))
      AND block = OLD.id DIV 1024;
    UPDATE list_blocks SET row_count = row_count - 1
    WHERE list IN ('login_attempts:day',
                   IF(OLD.success, 'login_attempts:success:day', 'login_attempts:failure:day'))
      AND block = DATEDIFF(OLD.created_at, '2000-01-01');
END;

-- Indexes that hand a page its ids in id order (InnoDB ends every secondary index with the
-- primary key, so an index on `user_id` is one on (user_id, id)):
-- a patient's own visits and bookings, newest or oldest first, without sorting them,
CREATE INDEX doctor_visits_patient ON doctor_visits (user_id);
CREATE INDEX diagnostic_bookings_patient ON diagnostic_bookings (user_id);
-- one doctor's visits (the visit list filtered by a doctor's name or specialty),
CREATE INDEX doctor_visits_doctor ON doctor_visits (doctor_id);
-- a patient's journal entries and prescriptions with their titles, for reading a patient filter's
-- rows by key while checking a title filter on the index alone,
CREATE INDEX patient_cards_patient_diagnosis ON patient_cards (user_id, diagnosis);
CREATE INDEX patient_recipes_patient_recipe ON patient_recipes (user_id, recipe);
-- and the login history filtered by outcome in id order (login_attempts_success_created still
-- serves the orders by time).
CREATE INDEX login_attempts_success ON login_attempts (success);

-- The users a birth date, an age or a gender filter matches, straight from the index (the
-- profile's id is its primary key, the user's id is not).
ALTER TABLE profiles
    DROP INDEX profiles_date_of_birth,
    ADD INDEX profiles_date_of_birth (date_of_birth, user_id),
    DROP INDEX profiles_gender,
    ADD INDEX profiles_gender (gender, user_id);
