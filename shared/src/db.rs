//! The MySQL pool and the embedded migrations.

use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::{MigrateDatabase, Migrator};
use sqlx::mysql::{MySqlConnectOptions, MySqlPoolOptions};
use sqlx::{MySql, MySqlPool, QueryBuilder};

use crate::config::Config;

/// `migrations/` at the top of the repository, compiled into every binary.
pub static MIGRATOR: Migrator = sqlx::migrate!("../migrations");

fn pool_options(config: &Config) -> MySqlPoolOptions {
    MySqlPoolOptions::new()
        .max_connections(config.database_max_connections)
        .acquire_timeout(Duration::from_secs(5))
        // Idle connections are closed well before the server's `wait_timeout` would drop them.
        .idle_timeout(Duration::from_secs(600))
        // A round trip per statement is a high price for a running server whose connections
        // are in constant use; a Lambda thawed after minutes pays it to find a dead one.
        .test_before_acquire(config.database_ping_before_use)
}

/// For a long-running process: creates the database if it is missing, connects and migrates.
pub async fn connect_and_migrate(config: &Config) -> Result<MySqlPool, sqlx::Error> {
    if !MySql::database_exists(&config.database_url).await? {
        MySql::create_database(&config.database_url).await?;
    }
    let db = pool_options(config).connect(&config.database_url).await?;
    MIGRATOR.run(&db).await?;
    Ok(db)
}

/// For a Lambda: connects on first use, so start-up does not wait for the database.
pub fn connect_lazy(config: &Config) -> Result<MySqlPool, sqlx::Error> {
    let options = MySqlConnectOptions::from_str(&config.database_url)?;
    Ok(pool_options(config).connect_lazy_with(options))
}

/// A unique key refused the row (duplicate e-mail, modality, booking ...).
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    error.as_database_error().is_some_and(|e| e.is_unique_violation())
}

/// A foreign key refused the change (deleting something still referred to).
pub fn is_foreign_key_violation(error: &sqlx::Error) -> bool {
    error.as_database_error().is_some_and(|e| e.is_foreign_key_violation())
}

/// `(?, ?, ...)`, each id bound: the list of an `IN`. Callers skip the statement for no ids,
/// since `IN ()` is not SQL.
pub fn push_id_list(query: &mut QueryBuilder<MySql>, ids: impl IntoIterator<Item = u64>) {
    query.push("(");
    let mut list = query.separated(", ");
    for id in ids {
        list.push_bind(id);
    }
    query.push(")");
}
