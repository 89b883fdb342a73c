-- E-mail outbox, greetings, and WebSocket connections.

-- Every notification is written here in the same transaction as the change it reports, sent
-- right after commit, and retried by the scheduler until SES accepts it (or it gives up, leaving
-- the row for staff to see).
CREATE TABLE email_outbox (
    id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    kind            VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    recipient       VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    subject         VARCHAR(255) NOT NULL,
    body_html       MEDIUMTEXT NOT NULL,
    body_text       MEDIUMTEXT NOT NULL,
    attempts        INT UNSIGNED NOT NULL DEFAULT 0,
    next_attempt_at DATETIME(6) NOT NULL,
    -- A sender holds a row until this instant; a crashed sender's claim simply runs out.
    claimed_until   DATETIME(6) NULL,
    sent_at         DATETIME(6) NULL,
    message_id      VARCHAR(255) NULL,
    failed_at       DATETIME(6) NULL,
    last_error      VARCHAR(1000) NULL,
    created_at      DATETIME(6) NOT NULL,
    updated_at      DATETIME(6) NOT NULL,
    PRIMARY KEY (id),
    KEY email_outbox_due (sent_at, failed_at, next_attempt_at),
    KEY email_outbox_created (created_at),
    KEY email_outbox_recipient (recipient, kind, created_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;

-- At most one greeting of each kind per user and year, whatever runs twice.
CREATE TABLE greetings_sent (
    id         BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    user_id    BIGINT UNSIGNED NOT NULL,
    greeting   VARCHAR(10) NOT NULL,
    year       SMALLINT UNSIGNED NOT NULL,
    created_at DATETIME(6) NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY greetings_sent_once (user_id, greeting, year),
    CONSTRAINT greetings_sent_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT greetings_sent_greeting_valid CHECK (greeting IN ('birthday', 'christmas', 'new_year'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;

CREATE TABLE ws_connections (
    connection_id VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    user_id       BIGINT UNSIGNED NOT NULL,
    connected_at  DATETIME(6) NOT NULL,
    PRIMARY KEY (connection_id),
    KEY ws_connections_user (user_id),
    CONSTRAINT ws_connections_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;

CREATE TABLE ws_subscriptions (
    connection_id VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    stream        VARCHAR(30) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    -- The client's request_id, as the JSON it sent, echoed in every push of this subscription.
    request_id    VARCHAR(255) NULL,
    created_at    DATETIME(6) NOT NULL,
    PRIMARY KEY (connection_id, stream),
    KEY ws_subscriptions_stream (stream),
    CONSTRAINT ws_subscriptions_connection_fk FOREIGN KEY (connection_id) REFERENCES ws_connections (connection_id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_520_ci;
