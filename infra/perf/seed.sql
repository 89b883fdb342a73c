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

-- The clinic's work: 30 modalities, 5,000 diagnostic bookings and 10,000 doctor visits (one per
-- patient, spread over the 100 doctors an hour apart; every seventh cancelled).
INSERT INTO diagnostics (modality, created_at, updated_at)
SELECT CONCAT(ELT(1 + (n - 1) % 6, 'MRI', 'CT', 'X-ray', 'Ultrasound', 'ECG', 'Mammography'), ' ',
              ELT(1 + (n - 1) DIV 6, 'head', 'chest', 'abdomen', 'spine', 'knee')), @now, @now
FROM numbers WHERE n <= 30;

INSERT INTO diagnostic_bookings (user_id, diagnostic_id, booked_by_id, date_time, created_at, updated_at)
SELECT u.id, d.id, u.id, IF(n % 2 = 0, DATE_ADD('2027-01-04 08:00:00', INTERVAL n HOUR), NULL), @now, @now
FROM numbers
JOIN users u ON u.email = CONCAT('person', n, '@perf.test')
JOIN diagnostics d ON d.id = (SELECT MIN(id) FROM diagnostics) + n % 30
WHERE n <= 5000;

CREATE TEMPORARY TABLE doctors (k INT NOT NULL AUTO_INCREMENT PRIMARY KEY, user_id BIGINT UNSIGNED NOT NULL);
INSERT INTO doctors (user_id) SELECT user_id FROM roles WHERE role = 'doctor' ORDER BY user_id;

INSERT INTO doctor_visits (user_id, doctor_id, status, date_time, created_at, updated_at)
SELECT u.id, d.user_id, IF(n % 7 = 0, 'cancelled', 'booked'),
       DATE_ADD('2027-01-04 08:00:00', INTERVAL n HOUR), @now, @now
FROM numbers
JOIN users u ON u.email = CONCAT('person', n, '@perf.test')
JOIN doctors d ON d.k = 1 + n % 100
WHERE n <= 10000;

UPDATE collection_versions SET version = version + 1
WHERE name IN ('diagnostics', 'booking_diagnostic', 'booking_doctor');
