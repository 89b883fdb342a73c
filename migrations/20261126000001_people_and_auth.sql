-- People and authentication.
--
-- Conventions for every QHealth table (MySQL 8 and MariaDB 10.11 alike):
--   * utf8mb4 with the accent- and case-insensitive utf8mb4_unicode_520_ci collation, so that a
--     text filter "malmo" finds "Malmö"; e-mail addresses are the exception (stored lower-case and
--     compared byte for byte, so "andre@" and "andré@" stay two different addresses);
--   * every instant is DATETIME(6) in UTC, written by the application from its (settable) clock;
--   * "cannot delete while ..." rules are foreign keys with ON DELETE RESTRICT.

CREATE TABLE users (
    id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    email          VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    -- A new address waiting for its owner to follow the verification link.
    pending_email  VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
    -- argon2id PHC string; NULL for a staff member who chooses a password on activation.
    password_hash  VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NULL,
    is_active      BOOLEAN NOT NULL DEFAULT FALSE,
    is_staff       BOOLEAN NOT NULL DEFAULT FALSE,
    is_superuser   BOOLEAN NOT NULL DEFAULT FALSE,
    -- Set once, by the activation link; a blocked account cannot be re-activated by an old link.
    activated_at   DATETIME(6) NULL,
    last_login     DATETIME(6) NULL,
    created_at     DATETIME(6) NOT NULL,
    updated_at     DATETIME(6) NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY users_email (email),
    KEY users_kind (is_superuser, is_staff)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;

CREATE TABLE profiles (
    id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    user_id         BIGINT UNSIGNED NOT NULL,
    name            VARCHAR(30) NOT NULL,
    surname         VARCHAR(30) NOT NULL,
    phone_number    VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NULL,
    date_of_birth   DATE NULL,
    -- month * 100 + day, so the daily birthday greeting is an index lookup.
    birth_month_day SMALLINT UNSIGNED AS (MONTH(date_of_birth) * 100 + DAYOFMONTH(date_of_birth)) STORED,
    height          SMALLINT UNSIGNED NULL,
    weight          SMALLINT UNSIGNED NULL,
    street          VARCHAR(30) NULL,
    house           VARCHAR(7) NULL,
    city            VARCHAR(30) NULL,
    region          VARCHAR(30) NULL,
    country         VARCHAR(30) NULL,
    gender          VARCHAR(6) NULL,
    created_at      DATETIME(6) NOT NULL,
    updated_at      DATETIME(6) NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY profiles_user (user_id),
    KEY profiles_name (name),
    KEY profiles_surname (surname),
    KEY profiles_date_of_birth (date_of_birth),
    KEY profiles_birth_month_day (birth_month_day),
    KEY profiles_city (city),
    KEY profiles_country (country),
    KEY profiles_gender (gender),
    CONSTRAINT profiles_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT profiles_gender_valid CHECK (gender IN ('Male', 'Female')),
    CONSTRAINT profiles_height_valid CHECK (height BETWEEN 1 AND 300),
    CONSTRAINT profiles_weight_valid CHECK (weight BETWEEN 1 AND 700)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;

-- Staff members: a user with a row here is a doctor, an operator or a pharmacist.
CREATE TABLE roles (
    id                       BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    user_id                  BIGINT UNSIGNED NOT NULL,
    role                     VARCHAR(10) NOT NULL,
    specialty                VARCHAR(100) NULL,
    is_available_for_booking BOOLEAN NOT NULL DEFAULT TRUE,
    created_at               DATETIME(6) NOT NULL,
    updated_at               DATETIME(6) NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY roles_user (user_id),
    KEY roles_role (role),
    KEY roles_specialty (specialty),
    CONSTRAINT roles_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT roles_role_valid CHECK (role IN ('doctor', 'operator', 'pharmacist')),
    -- Doctors have a specialty; nobody else does.
    CONSTRAINT roles_specialty_for_doctors CHECK ((role = 'doctor') = (specialty IS NOT NULL))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;

-- A login starts a family; every refresh rotates to a new token of the same family. Presenting a
-- used refresh token again revokes the family, which also ends its access tokens.
CREATE TABLE refresh_token_families (
    id         CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    user_id    BIGINT UNSIGNED NOT NULL,
    created_at DATETIME(6) NOT NULL,
    revoked_at DATETIME(6) NULL,
    PRIMARY KEY (id),
    KEY refresh_token_families_user (user_id),
    CONSTRAINT refresh_token_families_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;

CREATE TABLE refresh_tokens (
    jti        CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    family_id  CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    created_at DATETIME(6) NOT NULL,
    expires_at DATETIME(6) NOT NULL,
    used_at    DATETIME(6) NULL,
    PRIMARY KEY (jti),
    KEY refresh_tokens_family (family_id),
    KEY refresh_tokens_expires (expires_at),
    CONSTRAINT refresh_tokens_family_fk FOREIGN KEY (family_id) REFERENCES refresh_token_families (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;

-- Single-use action tokens (activate, recovery, verify_email, socket): a token is spent by
-- inserting its id here, in the same transaction as what it does; a second use hits the key.
CREATE TABLE used_action_tokens (
    jti        CHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    token_type VARCHAR(20) NOT NULL,
    user_id    BIGINT UNSIGNED NOT NULL,
    expires_at DATETIME(6) NOT NULL,
    used_at    DATETIME(6) NOT NULL,
    PRIMARY KEY (jti),
    KEY used_action_tokens_expires (expires_at),
    KEY used_action_tokens_user (user_id),
    CONSTRAINT used_action_tokens_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;

-- Login history, as staff see it under /api/security.
CREATE TABLE login_attempts (
    id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    email        VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    ip_address   VARCHAR(45) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    attempted_at DATETIME(6) NOT NULL,
    success      BOOLEAN NOT NULL,
    created_at   DATETIME(6) NOT NULL,
    updated_at   DATETIME(6) NOT NULL,
    PRIMARY KEY (id),
    KEY login_attempts_success (success),
    KEY login_attempts_created (created_at),
    KEY login_attempts_email (email)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;

-- Failed-login counters: scope 'ip' (subject = address) and 'account' (subject = e-mail as typed,
-- lower-cased, whether or not such an account exists, so the answer never tells).
CREATE TABLE login_throttles (
    scope             VARCHAR(8) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    subject           VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    failures          INT UNSIGNED NOT NULL,
    window_started_at DATETIME(6) NOT NULL,
    blocked_until     DATETIME(6) NULL,
    PRIMARY KEY (scope, subject)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;

-- One counter per collection, bumped in the same transaction as any change that can alter how
-- many rows a list filter matches; list totals are cached against it (see shared/src/page.rs).
CREATE TABLE collection_versions (
    name    VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    version BIGINT UNSIGNED NOT NULL,
    PRIMARY KEY (name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;

INSERT INTO collection_versions (name, version) VALUES
    ('users', 0),
    ('diagnostics', 0),
    ('booking_diagnostic', 0),
    ('booking_doctor', 0),
    ('patient_card', 0),
    ('patient_recipe', 0),
    ('security', 0);
