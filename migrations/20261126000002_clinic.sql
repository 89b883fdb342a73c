-- The clinic: modalities, bookings, doctor visits, journals and prescriptions.

CREATE TABLE diagnostics (
    id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    -- Stored trimmed; the case- and accent-insensitive collation makes "MRI" and " mri " one modality.
    modality   VARCHAR(100) NOT NULL,
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY diagnostics_modality (modality)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;

CREATE TABLE diagnostic_bookings (
    id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    user_id       BIGINT UNSIGNED NOT NULL,
    diagnostic_id BIGINT UNSIGNED NOT NULL,
    booked_by_id  BIGINT UNSIGNED NULL,
    -- NULL while a patient's own request waits for staff to give it a time.
    date_time     DATETIME(6) NULL,
    created_at    DATETIME(6) NOT NULL,
    updated_at    DATETIME(6) NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY diagnostic_bookings_patient_modality (user_id, diagnostic_id),
    KEY diagnostic_bookings_diagnostic (diagnostic_id),
    KEY diagnostic_bookings_booked_by (booked_by_id),
    CONSTRAINT diagnostic_bookings_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE RESTRICT,
    CONSTRAINT diagnostic_bookings_diagnostic_fk FOREIGN KEY (diagnostic_id) REFERENCES diagnostics (id) ON DELETE RESTRICT,
    CONSTRAINT diagnostic_bookings_booked_by_fk FOREIGN KEY (booked_by_id) REFERENCES users (id) ON DELETE SET NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;

CREATE TABLE doctor_visits (
    id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    user_id       BIGINT UNSIGNED NOT NULL,
    doctor_id     BIGINT UNSIGNED NOT NULL,
    status        VARCHAR(9) NOT NULL DEFAULT 'booked',
    -- Derived, so the two can never disagree.
    is_active     BOOLEAN AS (status = 'booked') STORED,
    -- 1 for a booked visit, NULL otherwise: the unique key below then allows one booked visit per
    -- doctor and time, and any number of cancelled ones.
    booked_slot   TINYINT UNSIGNED AS (CASE WHEN status = 'booked' THEN 1 END) STORED,
    date_time     DATETIME(6) NOT NULL,
    created_by_id BIGINT UNSIGNED NULL,
    created_at    DATETIME(6) NOT NULL,
    updated_at    DATETIME(6) NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY doctor_visits_doctor_slot (doctor_id, date_time, booked_slot),
    KEY doctor_visits_patient_doctor (user_id, doctor_id, status),
    KEY doctor_visits_status (status),
    KEY doctor_visits_created_by (created_by_id),
    CONSTRAINT doctor_visits_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE RESTRICT,
    CONSTRAINT doctor_visits_doctor_fk FOREIGN KEY (doctor_id) REFERENCES users (id) ON DELETE RESTRICT,
    CONSTRAINT doctor_visits_created_by_fk FOREIGN KEY (created_by_id) REFERENCES users (id) ON DELETE SET NULL,
    CONSTRAINT doctor_visits_status_valid CHECK (status IN ('booked', 'cancelled'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;

-- Journal entries are never edited: a correction is a new entry. Text is stored as written.
CREATE TABLE patient_cards (
    id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    user_id       BIGINT UNSIGNED NOT NULL,
    diagnosis     VARCHAR(100) NOT NULL,
    description   MEDIUMTEXT NOT NULL,
    planning      MEDIUMTEXT NOT NULL,
    created_by_id BIGINT UNSIGNED NULL,
    created_at    DATETIME(6) NOT NULL,
    updated_at    DATETIME(6) NOT NULL,
    PRIMARY KEY (id),
    KEY patient_cards_user (user_id),
    KEY patient_cards_diagnosis (diagnosis),
    KEY patient_cards_created_by (created_by_id),
    -- Medical records outlive nothing by accident: a patient with entries cannot be deleted.
    CONSTRAINT patient_cards_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE RESTRICT,
    CONSTRAINT patient_cards_created_by_fk FOREIGN KEY (created_by_id) REFERENCES users (id) ON DELETE SET NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;

CREATE TABLE patient_recipes (
    id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    user_id       BIGINT UNSIGNED NOT NULL,
    recipe        VARCHAR(100) NOT NULL,
    description   MEDIUMTEXT NOT NULL,
    created_by_id BIGINT UNSIGNED NULL,
    created_at    DATETIME(6) NOT NULL,
    updated_at    DATETIME(6) NOT NULL,
    PRIMARY KEY (id),
    KEY patient_recipes_user (user_id),
    KEY patient_recipes_recipe (recipe),
    KEY patient_recipes_created_by (created_by_id),
    CONSTRAINT patient_recipes_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE RESTRICT,
    CONSTRAINT patient_recipes_created_by_fk FOREIGN KEY (created_by_id) REFERENCES users (id) ON DELETE SET NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;
