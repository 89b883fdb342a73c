//! Structured logs: JSON on Lambda (CloudWatch), readable text locally. `RUST_LOG` adjusts the
//! level. What is logged never includes passwords, tokens or medical text: requests are logged
//! by route template, not path, and handlers log ids, not contents.
//!
//! `RUST_LOG` is a list of `target=level` and a bare default level (`warn,sqlx::query=debug`),
//! read by `tracing_subscriber`'s `Targets` rather than `EnvFilter`: the same syntax but for
//! span and field filters, which nothing here uses, and no regular-expression engine in every
//! Lambda binary.

use tracing::Level;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::prelude::*;

pub fn init(json: bool) {
    let filter = std::env::var("RUST_LOG")
        .ok()
        .filter(|directives| !directives.trim().is_empty())
        .and_then(|directives| directives.parse::<Targets>().ok())
        .unwrap_or_else(default_filter);
    let builder = tracing_subscriber::fmt();
    let installed = if json {
        builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .without_time()
            .finish()
            .with(filter)
            .try_init()
    } else {
        builder.finish().with(filter).try_init()
    };
    // A second initialisation (tests) keeps the first subscriber.
    drop(installed);
}

/// `info`, but only warnings from the libraries that are chatty at that level.
fn default_filter() -> Targets {
    Targets::new()
        .with_default(Level::INFO)
        .with_target("sqlx", Level::WARN)
        .with_target("aws_config", Level::WARN)
        .with_target("aws_smithy_runtime", Level::WARN)
}

#[cfg(test)]
mod tests {
    use tracing::Level;
    use tracing_subscriber::filter::Targets;

    #[test]
    fn rust_log_reads_as_targets() {
        let targets: Targets = "warn,sqlx::query=debug".parse().unwrap();
        assert!(targets.would_enable("sqlx::query", &Level::DEBUG));
        assert!(!targets.would_enable("sqlx::pool", &Level::INFO));
        assert!(targets.would_enable("qhealth::http", &Level::WARN));
        assert!(!targets.would_enable("qhealth::http", &Level::INFO));
    }

    #[test]
    fn the_default_quiets_the_libraries() {
        let targets = super::default_filter();
        assert!(targets.would_enable("qhealth::mail", &Level::INFO));
        assert!(!targets.would_enable("sqlx::query", &Level::INFO));
        assert!(!targets.would_enable("aws_smithy_runtime::client", &Level::INFO));
        assert!(targets.would_enable("aws_config::meta", &Level::WARN));
    }
}
