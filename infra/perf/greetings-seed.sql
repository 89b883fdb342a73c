-- 100,000 active users for measuring the greetings pass, born one a day going back from
-- 31 December 2000 (about 274 birthdays on every day of the year, 29 February aside).
-- Portable SQL (MySQL 8, MariaDB 10.11); the superuser root@perf.test exists already.

SET @now = UTC_TIMESTAMP(6);

CREATE TEMPORARY TABLE digits (d INT NOT NULL);
INSERT INTO digits VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9);
CREATE TEMPORARY TABLE numbers (n INT NOT NULL PRIMARY KEY);
INSERT INTO numbers
SELECT a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d + 1
FROM digits a, digits b, digits c, digits e, digits f;

INSERT INTO users (email, is_active, activated_at, created_at, updated_at)
SELECT CONCAT('person', n, '@perf.test'), TRUE, @now, @now, @now FROM numbers ORDER BY n;

INSERT INTO profiles (user_id, name, surname, date_of_birth, created_at, updated_at)
SELECT u.id,
       ELT(1 + n % 10, 'Åsa', 'Erik', 'Maria', 'Lars', 'Anna', 'Johan', 'Karin', 'Per', 'Sofia', 'Nils'),
       ELT(1 + n % 8, 'Öberg', 'Lind', 'Johansson', 'Andersson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson'),
       DATE_SUB('2000-12-31', INTERVAL n DAY), @now, @now
FROM numbers JOIN users u ON u.email = CONCAT('person', n, '@perf.test');

UPDATE collection_versions SET version = version + 1 WHERE name = 'users';
ANALYZE TABLE users, profiles;
