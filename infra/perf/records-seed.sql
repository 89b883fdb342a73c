-- The medical record's duties for a clinic seeded by scale-seed.sql (run after it, in the same
-- session: it reads its @sizes and its `numbers` and `doctors` tables): a sick-leave certificate
-- for every tenth journal entry, and @audits audit events (as many as journal entries unless
-- set). Apart from scale-seed.sql so that a database of the schema before these tables existed
-- can be seeded for before/after measurements (infra/perf/audit.sh).

-- Sick-leave certificates: one for every tenth journal entry, a week or two each.
INSERT INTO sick_leaves (user_id, date_from, date_to, diagnosis, notes, doctor_id, doctor_name,
                         doctor_surname, doctor_specialty, created_at, updated_at)
SELECT 1001 + CRC32(CONCAT('leave', n)) % @patients,
       DATE_ADD('2023-06-01', INTERVAL n DIV 20 DAY),
       DATE_ADD('2023-06-01', INTERVAL n DIV 20 + 6 + n % 8 DAY),
       ELT(1 + CRC32(CONCAT('leave diagnosis', n)) % 6, 'Acute bronchitis', 'Lumbago', 'Influenza',
           'Depressive episode', 'Migraine without aura', 'Fracture of the wrist'),
       IF(n % 3 = 0, '', 'Rest at home; no heavy lifting.'),
       d.user_id, 'Doctor', CONCAT('No. ', d.k), 'General practice', @now, @now
FROM numbers JOIN doctors d ON d.k = n % 100 WHERE n <= @journals DIV 10;

-- The audit trail: @audits events (default: as many as journal entries), most a doctor reading
-- one entry, every fifth a list page showing three patients; a minute apart, ending at @now.
INSERT INTO audit_events (occurred_at, actor_id, actor_role, actor_name, actor_surname, action,
                          record, record_id, patient_ids, ip_address)
SELECT DATE_SUB(@now, INTERVAL COALESCE(@audits, @journals) - n MINUTE), d.user_id, 'doctor',
       'Doctor', CONCAT('No. ', d.k), IF(n % 5 = 0, 'list', 'read'), 'journal_entry',
       IF(n % 5 = 0, NULL, n),
       IF(n % 5 = 0,
          CONCAT('[', 1001 + n % @patients, ',', 1001 + (n + 1) % @patients, ',',
                 1001 + (n + 2) % @patients, ']'),
          CONCAT('[', 1001 + CRC32(CONCAT('audit', n)) % @patients, ']')),
       CONCAT('10.1.', n % 250, '.', n DIV 250 % 250)
FROM numbers JOIN doctors d ON d.k = n % 100 WHERE n <= COALESCE(@audits, @journals);

UPDATE collection_versions SET version = version + 1 WHERE name = 'sick_leave';
