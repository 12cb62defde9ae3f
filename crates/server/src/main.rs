//! `rusher-server`: serves the Pusher protocol, the REST API and the demo on one port.

use std::net::SocketAddr;

use clap::Parser;
use rusher_server::{App, Shared};
use tokio::net::TcpListener;

/// A local Pusher-compatible server.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// The address to listen on.
    #[arg(long, env = "RUSHER_HOST", default_value = "127.0.0.1")]
    host: String,
    /// The port to listen on.
    #[arg(long, env = "RUSHER_PORT", default_value_t = 8080)]
    port: u16,
    /// The app id.
    #[arg(long, env = "RUSHER_APP_ID", default_value = "app-id")]
    app_id: String,
    /// The app key.
    #[arg(long, env = "RUSHER_APP_KEY", default_value = "app-key")]
    app_key: String,
    /// The app secret.
    #[arg(long, env = "RUSHER_APP_SECRET", default_value = "app-secret")]
    app_secret: String,
    /// Enable the fault-injection endpoints (tests only).
    #[arg(long)]
    faults: bool,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let args = Args::parse();
    let app = App::new(&args.app_id, &args.app_key, &args.app_secret, [0; 32]);
    let addr: SocketAddr = format!("{}:{}", args.host, args.port)
        .parse()
        .map_err(|e| std::io::Error::other(format!("bad address: {e}")))?;
    let listener = TcpListener::bind(addr).await?;
    let state = Shared::new(app, args.faults, u64::from(std::process::id()));
    println!(
        "rusher-server listening on http://{addr} (app key {})",
        args.app_key
    );
    rusher_server::serve(listener, state, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}
