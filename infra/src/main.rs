//! `qhealth-local`: QHealth on one machine, no AWS account needed.
//!
//! - `serve` (the default): the API under `/api` on `PORT` (default 8080), the WebSocket API at
//!   `/ws`;
//! - `create-superuser --email E --password P`: the first account, to sign in with;
//! - `migrate`: apply the migrations to `DATABASE_URL` and exit;
//! - `run-job greetings|reminders|outbox [--date YYYY-MM-DD]`: one pass of a scheduled job
//!   (`serve` also runs them in the background; see `jobs`);
//! - `openapi`: print the API's OpenAPI document (what `docs/openapi.json` must hold).

use std::process::ExitCode;
use std::sync::Arc;

use chrono::{NaiveDate, NaiveTime};
use clap::{Parser, Subcommand};
use qhealth::AppState;
use qhealth::auth::Passwords;
use qhealth::clock::{Clock, SystemClock};
use qhealth::config::{Config, redact_url_password};
use qhealth::mail::SesMailer;

#[derive(Parser)]
#[command(name = "qhealth-local", about = "QHealth's local gateway", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API (the default).
    Serve {
        /// Port to listen on.
        #[arg(long, env = "PORT", default_value_t = 8080)]
        port: u16,
        /// Address to listen on (0.0.0.0 inside a container).
        #[arg(long, env = "BIND_ADDRESS", default_value = "127.0.0.1")]
        bind: String,
        /// Clinic time (HH:MM) of the daily greetings the background jobs send.
        #[arg(long, env = "GREETINGS_AT", default_value = "10:00",
              value_parser = qhealth_local::jobs::parse_time_of_day)]
        greetings_at: NaiveTime,
    },
    /// Create an active superuser and exit.
    CreateSuperuser {
        #[arg(long)]
        email: String,
        #[arg(long)]
        password: String,
        #[arg(long, default_value = "Super")]
        name: String,
        #[arg(long, default_value = "User")]
        surname: String,
    },
    /// Apply the database migrations and exit.
    Migrate,
    /// Run one pass of a scheduled job, print what it did, and exit.
    RunJob {
        #[arg(value_enum)]
        job: qhealth_local::jobs::JobName,
        /// The clinic date whose greetings to send (YYYY-MM-DD); default today.
        #[arg(long)]
        date: Option<NaiveDate>,
    },
    /// Print the API's OpenAPI document, generated from the handlers, and exit (no database).
    Openapi,
}

#[tokio::main]
async fn main() -> ExitCode {
    qhealth::telemetry::init(false);
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("qhealth-local: {error}");
            ExitCode::FAILURE
        }
    }
}

type AnyError = Box<dyn std::error::Error + Send + Sync>;

async fn run(cli: Cli) -> Result<(), AnyError> {
    if let Some(Command::Openapi) = cli.command {
        print!("{}", qhealth_local::openapi_json(qhealth_local::api_routes().into_openapi()));
        return Ok(());
    }
    let config = Config::from_env()?;
    // No subcommand means `serve`, with its settings read as usual (PORT, BIND_ADDRESS).
    let command = match cli.command {
        Some(command) => command,
        None => Cli::parse_from(["qhealth-local", "serve"]).command.ok_or("no command")?,
    };
    let db = qhealth::db::connect_and_migrate(&config).await.map_err(|error| {
        format!("cannot use the database at {}: {error}", redact_url_password(&config.database_url))
    })?;
    match command {
        Command::Migrate => {
            println!("Database migrated.");
            Ok(())
        }
        Command::CreateSuperuser { email, password, name, surname } => {
            let passwords = Passwords::for_this_machine();
            let now = SystemClock.now();
            let id = qhealth_local::create_superuser(
                &db, &passwords, &email, &password, &name, &surname, now,
            )
            .await?;
            println!("Superuser {email} created (id {id}).");
            Ok(())
        }
        Command::Serve { port, bind, greetings_at } => {
            let listener = tokio::net::TcpListener::bind((bind.as_str(), port)).await?;
            let mut config = config;
            // Live updates go to this gateway's own management API unless WS_ENDPOINT says
            // otherwise.
            let address = listener.local_addr()?;
            config.ws_endpoint.get_or_insert_with(|| qhealth_local::ws::endpoint_of(address));
            let mailer = SesMailer::from_env().await;
            let state = AppState::new(db, config, Arc::new(mailer), Arc::new(SystemClock));
            tracing::info!("QHealth is listening on http://{}", listener.local_addr()?);
            let jobs = tokio::spawn(qhealth_local::jobs::run_schedule(state.clone(), greetings_at));
            qhealth_local::serve(listener, qhealth_local::app(state), shutdown_signal()).await?;
            jobs.abort();
            tracing::info!("stopped");
            Ok(())
        }
        Command::Openapi => unreachable!("answered before the database is opened"),
        Command::RunJob { job, date } => {
            let job = qhealth_local::jobs::job(job, date)?;
            let mailer = SesMailer::from_env().await;
            let state = AppState::new(db, config, Arc::new(mailer), Arc::new(SystemClock));
            println!("{}", qhealth_local::jobs::run_job(&state, job).await?);
            Ok(())
        }
    }
}

/// Ctrl-C or SIGTERM: finish the requests in flight, then stop.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
