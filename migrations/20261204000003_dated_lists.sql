-- Visits and diagnostic bookings by date (docs/API.md, "Lists by date"): `date_from`/`date_to`
-- and `order=date_time`, at a cost bounded by the page (shared/src/lists/dated.rs).
--
-- As the login history's time order does (20261203000001_list_positions), the lists in time
-- order are counted in blocks of one UTC day instead of 1,024 ids: block = DATEDIFF(date_time,
-- '2000-01-01'). A page in time order starts in the day whose running sum passes its offset and
-- walks an index on (date_time, id) from that day's first instant; a range of clinic dates is
-- the sum of the whole days inside it plus the parts of the one or two days it only partly
-- covers (a clinic date in Stockholm starts at 23:00 or 22:00 UTC), counted on the same index.
-- Days, not clinic dates, are the blocks because the triggers cannot know the clinic's time zone
-- (a setting of the application) and MariaDB may lack the time zone tables.
--
-- Visits and bookings are for the future, so nothing lies before 2000; should something, it is
-- counted in day 0 (GREATEST) rather than make its insert fail.
--
-- Lists:
--   doctor_visits:day, doctor_visits:booked:day, doctor_visits:cancelled:day  visits by day
--   diagnostic_bookings:day       bookings that have a time, by day
--   diagnostic_bookings:untimed   bookings still waiting for a time, in blocks of 1,024 ids:
--                                 they come last in `date_time` order (first in `-date_time`),
--                                 by id
--
-- These triggers run after the counting triggers of 20261203000001 (FOLLOWS), so every writer
-- of a table takes the rows of list_blocks in the same order: those triggers' first, then these
-- in list-name order.

INSERT INTO list_blocks (list, block, row_count)
SELECT 'doctor_visits:day', GREATEST(DATEDIFF(date_time, '2000-01-01'), 0), COUNT(*)
FROM doctor_visits GROUP BY GREATEST(DATEDIFF(date_time, '2000-01-01'), 0);
INSERT INTO list_blocks (list, block, row_count)
SELECT CONCAT('doctor_visits:', status, ':day'), GREATEST(DATEDIFF(date_time, '2000-01-01'), 0),
       COUNT(*)
FROM doctor_visits GROUP BY status, GREATEST(DATEDIFF(date_time, '2000-01-01'), 0);
INSERT INTO list_blocks (list, block, row_count)
SELECT 'diagnostic_bookings:day', GREATEST(DATEDIFF(date_time, '2000-01-01'), 0), COUNT(*)
FROM diagnostic_bookings WHERE date_time IS NOT NULL
GROUP BY GREATEST(DATEDIFF(date_time, '2000-01-01'), 0);
INSERT INTO list_blocks (list, block, row_count)
SELECT 'diagnostic_bookings:untimed', id DIV 1024, COUNT(*)
FROM diagnostic_bookings WHERE date_time IS NULL GROUP BY id DIV 1024;

-- A visit counts in its status's days and in all days. A cancellation moves it from
-- booked:day to cancelled:day (name order: booked < cancelled < day); a new time (none is set
-- through the API today, but the counts must not depend on that) moves it between days.
CREATE TRIGGER doctor_visits_day_insert AFTER INSERT ON doctor_visits FOR EACH ROW
    FOLLOWS doctor_visits_count_insert
    INSERT INTO list_blocks (list, block, row_count)
    VALUES (CONCAT('doctor_visits:', NEW.status, ':day'),
            GREATEST(DATEDIFF(NEW.date_time, '2000-01-01'), 0), 1),
           ('doctor_visits:day', GREATEST(DATEDIFF(NEW.date_time, '2000-01-01'), 0), 1)
        ON DUPLICATE KEY UPDATE row_count = row_count + 1;

CREATE TRIGGER doctor_visits_day_update AFTER UPDATE ON doctor_visits FOR EACH ROW
    FOLLOWS doctor_visits_count_update
BEGIN
    DECLARE old_day INT UNSIGNED DEFAULT GREATEST(DATEDIFF(OLD.date_time, '2000-01-01'), 0);
    DECLARE new_day INT UNSIGNED DEFAULT GREATEST(DATEDIFF(NEW.date_time, '2000-01-01'), 0);
    IF OLD.status <> NEW.status OR old_day <> new_day THEN
        UPDATE list_blocks SET row_count = row_count - 1
        WHERE list = CONCAT('doctor_visits:', OLD.status, ':day') AND block = old_day;
        INSERT INTO list_blocks (list, block, row_count)
        VALUES (CONCAT('doctor_visits:', NEW.status, ':day'), new_day, 1)
            ON DUPLICATE KEY UPDATE row_count = row_count + 1;
    END IF;
    IF old_day <> new_day THEN
        UPDATE list_blocks SET row_count = row_count - 1
        WHERE list = 'doctor_visits:day' AND block = old_day;
        INSERT INTO list_blocks (list, block, row_count) VALUES ('doctor_visits:day', new_day, 1)
            ON DUPLICATE KEY UPDATE row_count = row_count + 1;
    END IF;
END;

CREATE TRIGGER doctor_visits_day_delete AFTER DELETE ON doctor_visits FOR EACH ROW
    FOLLOWS doctor_visits_count_delete
    UPDATE list_blocks SET row_count = row_count - 1
    WHERE list IN (CONCAT('doctor_visits:', OLD.status, ':day'), 'doctor_visits:day')
      AND block = GREATEST(DATEDIFF(OLD.date_time, '2000-01-01'), 0);

-- A booking counts in the day of its time, or among the untimed ones by its id. Staff give a
-- request its time, or move it, with an UPDATE (name order: day < untimed).
CREATE TRIGGER diagnostic_bookings_day_insert AFTER INSERT ON diagnostic_bookings FOR EACH ROW
    FOLLOWS diagnostic_bookings_count_insert
    INSERT INTO list_blocks (list, block, row_count)
    VALUES (IF(NEW.date_time IS NULL, 'diagnostic_bookings:untimed', 'diagnostic_bookings:day'),
            IF(NEW.date_time IS NULL, NEW.id DIV 1024,
               GREATEST(DATEDIFF(NEW.date_time, '2000-01-01'), 0)), 1)
        ON DUPLICATE KEY UPDATE row_count = row_count + 1;

CREATE TRIGGER diagnostic_bookings_day_update AFTER UPDATE ON diagnostic_bookings FOR EACH ROW
    FOLLOWS diagnostic_bookings_count_update
BEGIN
    DECLARE old_day INT UNSIGNED DEFAULT GREATEST(DATEDIFF(OLD.date_time, '2000-01-01'), 0);
    DECLARE new_day INT UNSIGNED DEFAULT GREATEST(DATEDIFF(NEW.date_time, '2000-01-01'), 0);
    IF OLD.date_time IS NOT NULL AND (NEW.date_time IS NULL OR old_day <> new_day) THEN
        UPDATE list_blocks SET row_count = row_count - 1
        WHERE list = 'diagnostic_bookings:day' AND block = old_day;
    END IF;
    IF NEW.date_time IS NOT NULL AND (OLD.date_time IS NULL OR old_day <> new_day) THEN
        INSERT INTO list_blocks (list, block, row_count)
        VALUES ('diagnostic_bookings:day', new_day, 1)
            ON DUPLICATE KEY UPDATE row_count = row_count + 1;
    END IF;
    IF (OLD.date_time IS NULL) <> (NEW.date_time IS NULL) THEN
        INSERT INTO list_blocks (list, block, row_count)
        VALUES ('diagnostic_bookings:untimed', NEW.id DIV 1024, IF(NEW.date_time IS NULL, 1, -1))
            ON DUPLICATE KEY UPDATE row_count = row_count + IF(NEW.date_time IS NULL, 1, -1);
    END IF;
END;

CREATE TRIGGER diagnostic_bookings_day_delete AFTER DELETE ON diagnostic_bookings FOR EACH ROW
    FOLLOWS diagnostic_bookings_count_delete
    UPDATE list_blocks SET row_count = row_count - 1
    WHERE list = IF(OLD.date_time IS NULL, 'diagnostic_bookings:untimed', 'diagnostic_bookings:day')
      AND block = IF(OLD.date_time IS NULL, OLD.id DIV 1024,
                     GREATEST(DATEDIFF(OLD.date_time, '2000-01-01'), 0));

-- The indexes the lists by date read (each ends with the id, so ties come in id order):
-- every visit in time order, a date range's edges counted, and a page's walk from its day;
CREATE INDEX doctor_visits_time ON doctor_visits (date_time);
-- the same for the booked or the cancelled visits (`status` beside a date or the time order);
CREATE INDEX doctor_visits_status_time ON doctor_visits (status, date_time);
-- the bookings with a time in time order, their ranges and edges, and (date_time NULL) the
-- untimed ones in id order.
CREATE INDEX diagnostic_bookings_time ON diagnostic_bookings (date_time);
-- A doctor's visits by date read doctor_visits_doctor_slot (doctor_id, date_time, booked_slot),
-- a patient's doctor_visits_patient_time (user_id, date_time) of 20261204000001, and a patient's
-- bookings (at most one per modality) diagnostic_bookings_patient.
