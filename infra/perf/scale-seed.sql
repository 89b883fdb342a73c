-- A clinic a few years old, for infra/perf/scale.sh: @patients patients, 300 staff members
-- (100 doctors, 100 operators, 100 pharmacists), 30 modalities, @bookings diagnostic bookings,
-- @visits doctor visits, @journals journal entries, @prescriptions prescriptions and @logins
-- login attempts (the records' certificates and audit trail: records-seed.sql, run after this
-- file). The caller sets the six sizes; the superuser root@perf.test exists already
-- and every account shares its password. Names are Swedish and varied (40 first names, 600
-- compound surnames and the ten commonest -son names; a few unique ones such as Zetterström),
-- so that a name filter matches what it would in a real clinic. Seeded users have ids
-- 1001 onwards. Portable SQL (MySQL 8, MariaDB 10.11): rows are generated from a table of
-- numbers, never row by row.

-- @now may be set by the caller, so that two seeded databases can be compared byte for byte.
SET @now = COALESCE(@now, UTC_TIMESTAMP(6));
SET @hash = (SELECT password_hash FROM users WHERE email = 'root@perf.test');
SET @staff = 300;

CREATE TEMPORARY TABLE digits (d INT NOT NULL);
INSERT INTO digits VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9);
CREATE TEMPORARY TABLE numbers (n INT NOT NULL PRIMARY KEY);
INSERT INTO numbers
SELECT a.d + 10 * b.d + 100 * c.d + 1000 * e.d + 10000 * f.d + 100000 * g.d + 1
FROM digits a, digits b, digits c, digits e, digits f, digits g;

-- People: patients are users 1001 .. 1000 + @patients, staff the 300 after them.
INSERT INTO users (id, email, password_hash, is_active, activated_at, last_login, created_at, updated_at)
SELECT 1000 + n, CONCAT('person', n, '@perf.test'), @hash, n % 50 <> 0, @now,
       IF(n % 3 = 0, NULL, @now), @now, @now
FROM numbers WHERE n <= @patients + @staff;

INSERT INTO profiles (user_id, name, surname, phone_number, date_of_birth, height, weight, street,
                      house, city, region, country, gender, created_at, updated_at)
SELECT 1000 + n,
       ELT(1 + CRC32(CONCAT('name', n)) % 40, 'Åsa', 'Erik', 'Maria', 'Lars', 'Anna', 'Johan', 'Karin', 'Per', 'Sofia',
           'Nils', 'Elsa', 'Oskar', 'Ingrid', 'Björn', 'Maja', 'Gustav', 'Linnea', 'Axel',
           'Astrid', 'Olof', 'Ebba', 'Henrik', 'Sigrid', 'Magnus', 'Frida', 'Mattias', 'Klara',
           'Anders', 'Saga', 'Jonas', 'Märta', 'Viktor', 'Alva', 'Emil', 'Greta', 'Hugo', 'Tove',
           'Albin', 'Ylva', 'Sven'),
       IF(n % 4 = 0,
          ELT(1 + CRC32(CONCAT('son', n)) % 10, 'Andersson', 'Johansson', 'Karlsson', 'Nilsson', 'Eriksson',
              'Larsson', 'Olsson', 'Persson', 'Svensson', 'Gustafsson'),
          CONCAT(ELT(1 + CRC32(CONCAT('stem', n)) % 30, 'Lind', 'Berg', 'Holm', 'Ek', 'Sjö', 'Dahl', 'Strand',
                     'Ny', 'Sand', 'Lund', 'Ström', 'Björk', 'Åker', 'Öst', 'Hag', 'Sten', 'Gran',
                     'Ros', 'Wall', 'Fors', 'Kvarn', 'Möll', 'Malm', 'Hed', 'Alm', 'Lil', 'Norr',
                     'Söder', 'Väst', 'Ljung'),
                 ELT(1 + CRC32(CONCAT('suffix', n)) % 20, '', 'berg', 'qvist', 'gren', 'ström', 'holm', 'lund',
                     'dahl', 'man', 'én', 'blad', 'borg', 'stedt', 'by', 'näs', 'vall', 'ling',
                     'ander', 'ius', 'hammar'))),
       CONCAT('+4670', LPAD(n, 7, '0')),
       DATE_SUB('2008-01-01', INTERVAL n % 25000 DAY),
       150 + n % 50, 50 + n % 60, 'Storgatan', CAST(1 + n % 99 AS CHAR),
       ELT(1 + CRC32(CONCAT('city', n)) % 40, 'Stockholm', 'Göteborg', 'Malmö', 'Uppsala', 'Västerås', 'Örebro',
           'Linköping', 'Helsingborg', 'Jönköping', 'Norrköping', 'Lund', 'Umeå', 'Gävle',
           'Borås', 'Södertälje', 'Eskilstuna', 'Halmstad', 'Växjö', 'Karlstad', 'Sundsvall',
           'Östersund', 'Trollhättan', 'Luleå', 'Lidingö', 'Borlänge', 'Tumba', 'Kristianstad',
           'Kalmar', 'Falun', 'Skövde', 'Karlskrona', 'Skellefteå', 'Uddevalla', 'Varberg',
           'Åkersberga', 'Örnsköldsvik', 'Landskrona', 'Nyköping', 'Visby', 'Kiruna'),
       'Sverige', 'Sweden', IF(CRC32(CONCAT('gender', n)) % 2 = 0, 'Female', 'Male'), @now, @now
FROM numbers WHERE n <= @patients + @staff;

-- A few people whose names are theirs alone: what a desk most often looks for.
UPDATE profiles SET surname = ELT(user_id DIV 997 - 1, 'Zetterström', 'Åkesdotter',
                                  'Quist-Nyberg', 'Wahlgren-Öhman', 'Emanuelsson')
WHERE user_id IN (1994, 2991, 3988, 4985, 5982) AND user_id <= 1000 + @patients;

INSERT INTO roles (user_id, role, specialty, is_available_for_booking, created_at, updated_at)
SELECT 1000 + n, ELT(1 + n % 3, 'doctor', 'operator', 'pharmacist'),
       IF(n % 3 = 0, ELT(1 + (n DIV 3) % 10, 'Cardiology', 'Radiology', 'Dermatology',
                         'Neurology', 'General practice', 'Paediatrics', 'Orthopaedics',
                         'Psychiatry', 'Gynaecology', 'Oncology'), NULL),
       TRUE, @now, @now
FROM numbers WHERE n > @patients AND n <= @patients + @staff;

CREATE TEMPORARY TABLE doctors (k INT NOT NULL PRIMARY KEY, user_id BIGINT UNSIGNED NOT NULL);
INSERT INTO doctors (k, user_id)
SELECT ROW_NUMBER() OVER (ORDER BY user_id) - 1, user_id FROM roles WHERE role = 'doctor';
SET @operator = (SELECT MIN(user_id) FROM roles WHERE role = 'operator');
SET @pharmacist = (SELECT MIN(user_id) FROM roles WHERE role = 'pharmacist');

-- The clinic's work.
INSERT INTO diagnostics (modality, created_at, updated_at)
SELECT CONCAT(ELT(1 + (n - 1) % 6, 'MRI', 'CT', 'X-ray', 'Ultrasound', 'ECG', 'Mammography'), ' ',
              ELT(1 + (n - 1) DIV 6, 'head', 'chest', 'abdomen', 'spine', 'knee')), @now, @now
FROM numbers WHERE n <= 30;
SET @first_modality = (SELECT MIN(id) FROM diagnostics);

-- One booking per patient and modality at most (the unique key): patient n % @patients,
-- modality (n + n DIV @patients) % 30.
INSERT INTO diagnostic_bookings (user_id, diagnostic_id, booked_by_id, date_time, created_at, updated_at)
SELECT 1001 + n % @patients, @first_modality + (n + n DIV @patients) % 30,
       IF(n % 3 = 0, 1001 + n % @patients, @operator),
       IF(n % 3 = 0, NULL, DATE_ADD('2024-01-08 08:00:00', INTERVAL n * 7 MINUTE)), @now, @now
FROM numbers WHERE n <= @bookings;

-- Visits: every doctor every three hours from June 2023 (at a million visits, into 2026);
-- every seventh cancelled.
INSERT INTO doctor_visits (user_id, doctor_id, status, date_time, created_by_id, created_at, updated_at)
SELECT 1001 + CRC32(CONCAT('visit', n)) % @patients, d.user_id,
       IF(CRC32(CONCAT('cancel', n)) % 7 = 0, 'cancelled', 'booked'),
       DATE_ADD('2023-06-01 08:00:00', INTERVAL (n DIV 100) * 3 HOUR), @operator,
       @now, @now
FROM numbers JOIN doctors d ON d.k = n % 100
WHERE n <= @visits;

INSERT INTO patient_cards (user_id, diagnosis, description, planning, created_by_id, created_at, updated_at)
SELECT 1001 + CRC32(CONCAT('journal', n)) % @patients,
       ELT(1 + CRC32(CONCAT('diagnosis', n)) % 20, 'Migraine without aura', 'Essential hypertension', 'Type 2 diabetes',
           'Seasonal allergic rhinitis', 'Acute bronchitis', 'Lumbago', 'Iron deficiency anaemia',
           'Atopic dermatitis', 'Hypothyroidism', 'Gastro-oesophageal reflux', 'Asthma',
           'Tension-type headache', 'Otitis media', 'Urinary tract infection', 'Osteoarthritis of the knee',
           'Depressive episode', 'Sinusitis', 'Tendinitis', 'Insomnia', 'Vitamin D deficiency'),
       CONCAT('Patient reports symptoms for ', 1 + n % 30, ' days. Examination: blood pressure ',
              110 + n % 50, '/', 70 + n % 25, ', pulse ', 60 + n % 40,
              '. No fever. Findings otherwise unremarkable; history reviewed with the patient.'),
       CONCAT('Follow-up in ', 1 + n % 12, ' weeks. Advice given on rest, fluids and medication.'),
       d.user_id, @now, @now
FROM numbers JOIN doctors d ON d.k = n % 100 WHERE n <= @journals;

INSERT INTO patient_recipes (user_id, recipe, description, created_by_id, created_at, updated_at)
SELECT 1001 + CRC32(CONCAT('prescription', n)) % @patients,
       ELT(1 + CRC32(CONCAT('recipe', n)) % 20, 'Ibuprofen 400 mg', 'Paracetamol 500 mg', 'Amoxicillin 500 mg',
           'Metformin 500 mg', 'Levothyroxine 50 µg', 'Omeprazole 20 mg', 'Salbutamol inhaler',
           'Cetirizine 10 mg', 'Simvastatin 20 mg', 'Amlodipine 5 mg', 'Sertraline 50 mg',
           'Zopiclone 5 mg', 'Hydrocortisone cream 1 %', 'Ibuprofen gel 5 %', 'Losartan 50 mg',
           'Warfarin 2.5 mg', 'Insulin glargine', 'Budesonide nasal spray', 'Vitamin D 800 IU',
           'Naproxen 250 mg'),
       CONCAT('Take ', 1 + n % 3, ' times daily with food for ', 5 + n % 25, ' days.'),
       @pharmacist, @now, @now
FROM numbers WHERE n <= @prescriptions;

INSERT INTO login_attempts (email, ip_address, attempted_at, success, created_at, updated_at)
SELECT CONCAT('person', 1 + CRC32(CONCAT('login', n)) % @patients, '@perf.test'),
       CONCAT('10.', n % 200, '.', (n DIV 200) % 250, '.', n % 250),
       DATE_SUB(@now, INTERVAL @logins - n MINUTE), CRC32(CONCAT('success', n)) % 9 <> 0,
       DATE_SUB(@now, INTERVAL @logins - n MINUTE), DATE_SUB(@now, INTERVAL @logins - n MINUTE)
FROM numbers WHERE n <= @logins;

UPDATE collection_versions SET version = version + 1;
