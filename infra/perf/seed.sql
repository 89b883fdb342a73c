-- A clinic of 10,000 patients and 300 staff members, for load measurements.
-- Every account shares the password of root@perf.test. Portable SQL (MySQL 8, MariaDB 10.11).

SET @now = UTC_TIMESTAMP(6);
SET @hash = (SELECT password_hash FROM users WHERE email = 'root@perf.test');

CREATE TEMPORARY TABLE digits (d INT NOT NULL);
INSERT INTO digits VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9);
CREATE TEMPORARY TABLE numbers (n INT NOT NULL PRIMARY KEY);
INSERT INTO numbers
SELECT a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 1
FROM digits a, digits b, digits c, digits e;
INSERT INTO numbers SELECT n + 10000 FROM numbers WHERE n <= 300;

INSERT INTO users (email, password_hash, is_active, activated_at, created_at, updated_at)
SELECT CONCAT('person', n, '@perf.test'), @hash, TRUE, @now, @now, @now FROM numbers ORDER BY n;

INSERT INTO profiles (user_id, name, surname, phone_number, date_of_birth, height, weight, street,
                      house, city, region, country, gender, created_at, updated_at)
SELECT u.id,
       ELT(1 + n % 10, 'Åsa', 'Erik', 'Maria', 'Lars', 'Anna', 'Johan', 'Karin', 'Per', 'Sofia', 'Nils'),
       ELT(1 + n % 8, 'Öberg', 'Lind', 'Johansson', 'Andersson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson'),
       CONCAT('+4670', LPAD(n, 7, '0')),
       DATE_SUB('2007-01-01', INTERVAL n * 3 DAY),
       150 + n % 50, 50 + n % 60, 'Storgatan', CAST(1 + n % 99 AS CHAR),
       ELT(1 + n % 8, 'Malmö', 'Stockholm', 'Göteborg', 'Uppsala', 'Lund', 'Örebro', 'Umeå', 'Visby'),
       'Skåne', 'Sweden', IF(n % 2 = 0, 'Female', 'Male'), @now, @now
FROM numbers JOIN users u ON u.email = CONCAT('person', n, '@perf.test');

-- The last 300 are staff: 100 doctors, 100 operators, 100 pharmacists.
INSERT INTO roles (user_id, role, specialty, is_available_for_booking, created_at, updated_at)
SELECT u.id, ELT(1 + n % 3, 'doctor', 'operator', 'pharmacist'),
       IF(n % 3 = 0, ELT(1 + n % 4, 'Cardiology', 'Radiology', 'Dermatology', 'Neurology'), NULL),
       TRUE, @now, @now
FROM numbers JOIN users u ON u.email = CONCAT('person', n, '@perf.test')
WHERE n > 10000;

UPDATE collection_versions SET version = version + 1 WHERE name = 'users';
