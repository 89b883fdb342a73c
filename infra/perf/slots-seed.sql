-- A specialty of 50 doctors with full weeks, for infra/perf/slots.sh: weekdays 08:00–16:00,
-- 30-minute visits, about 60% of the next four weeks' slots booked, and a million older visits of
-- other doctors beside them (the free slots read only the asked doctors' rows, by index).
-- Expects @monday (the first clinic Monday to book, a DATE) and a migrated, empty database with a
-- superuser.
SET @now = NOW(6);
SET SESSION max_recursive_iterations = 1000000;

CREATE TEMPORARY TABLE seq (n INT UNSIGNED PRIMARY KEY);
INSERT INTO seq (n)
WITH RECURSIVE s AS (SELECT 0 AS n UNION ALL SELECT n + 1 FROM s WHERE n < 99999)
SELECT n FROM s;

-- 1,000 patients, 50 cardiologists and 50 other doctors.
INSERT INTO users (email, password_hash, is_active, activated_at, created_at, updated_at)
SELECT CONCAT('slots', n, '@perf.test'), '!', TRUE, @now, @now, @now FROM seq WHERE n < 1100;
INSERT INTO profiles (user_id, name, surname, phone_number, date_of_birth, gender, city, country,
                      created_at, updated_at)
SELECT u.id, CONCAT('Name', u.id), CONCAT('Surname', u.id), '0701234567', '1980-01-01', 'Female',
       'Lund', 'Sweden', @now, @now
FROM users u WHERE u.email LIKE 'slots%@perf.test';
SET @first = (SELECT MIN(id) FROM users WHERE email LIKE 'slots%@perf.test');
INSERT INTO roles (user_id, role, specialty, created_at, updated_at)
SELECT id, 'doctor', IF(id < @first + 50, 'Cardiology', 'Dermatology'), @now, @now
FROM users WHERE id >= @first AND id < @first + 100;

INSERT INTO doctor_hours (doctor_id, weekday, starts, ends)
SELECT r.user_id, d.n + 1, '08:00', '16:00' FROM roles r JOIN seq d ON d.n < 5;

-- Four weeks ahead: each cardiologist's 16 daily slots, 60% booked (deterministically).
INSERT INTO doctor_visits (user_id, doctor_id, status, date_time, duration_minutes, created_at, updated_at)
SELECT @first + 100 + (s.n % 1000), @first + (s.n DIV 320),
       'booked',
       -- clinic 08:00 on a winter Monday is 07:00 UTC
       TIMESTAMP(@monday + INTERVAL (((s.n DIV 16) % 20) DIV 5 * 7 + ((s.n DIV 16) % 20) % 5) DAY,
                 '07:00:00') + INTERVAL (s.n % 16) * 30 MINUTE,
       30, @now, @now
FROM seq s
WHERE s.n < 50 * 320 AND (s.n * 7919) % 10 < 6;

-- A million visits of the other doctors, over five past years.
INSERT INTO doctor_visits (user_id, doctor_id, status, date_time, duration_minutes, created_at, updated_at)
SELECT @first + 100 + (a.n % 1000), @first + 50 + (a.n + b.n) % 50, 'booked',
       TIMESTAMP(@monday - INTERVAL (1 + (a.n * 10 + b.n) % 1800) DAY, '06:00:00')
         + INTERVAL ((a.n * 10 + b.n) DIV 1800) % 20 * 30 MINUTE,
       30, @now, @now
FROM seq a JOIN seq b ON b.n < 10
ON DUPLICATE KEY UPDATE status = status;
