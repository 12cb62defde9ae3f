//! `rusher-server`: serves the Pusher protocol, the REST API, the auth endpoints, the chat backend
//! and the demo on one port; with `--upstream`, only the chat backend for an app on another
//! Pusher-compatible server. Its subcommands call the REST API of this or any Pusher server.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};
use rusher_backend::rest_client::{RestClient, TriggerOptions};
use rusher_backend::{
    AppCredentials, AuthFaults, Backend, BackendState, RateLimits, RestPublisher, Store,
    TwinCounts, WebSocketAddress, twin_counts,
};
use rusher_server::credentials::{Credentials, Given};
use rusher_server::{App, Shared, Site, embedded};
use serde_json::json;
use tokio::net::TcpListener;

/// A local Pusher-compatible server (with no command), and a REST client (with one).
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    #[command(flatten)]
    credentials: CredentialArgs,
    #[command(flatten)]
    serve: ServeArgs,
    #[command(subcommand)]
    command: Option<Command>,
}

/// The app's credentials; any not given come from (or are generated into) the data dir.
#[derive(Debug, Args)]
struct CredentialArgs {
    /// The app id.
    #[arg(long, env = "RUSHER_APP_ID", global = true)]
    app_id: Option<String>,
    /// The app key.
    #[arg(long, env = "RUSHER_APP_KEY", global = true)]
    app_key: Option<String>,
    /// The app secret.
    #[arg(long, env = "RUSHER_APP_SECRET", global = true, hide_env_values = true)]
    app_secret: Option<String>,
    /// The encryption master key, base64 of 32 bytes.
    #[arg(long, env = "RUSHER_MASTER_KEY", global = true, hide_env_values = true)]
    master_key: Option<String>,
    /// Where credentials and the chat database live.
    #[arg(
        long,
        env = "RUSHER_DATA_DIR",
        default_value = "rusher-data",
        global = true
    )]
    data_dir: PathBuf,
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// The address to listen on.
    #[arg(long, env = "RUSHER_HOST", default_value = "127.0.0.1")]
    host: String,
    /// The port to listen on.
    #[arg(long, env = "RUSHER_PORT", default_value_t = 8080)]
    port: u16,
    /// Static files served at `/www/` (the demo page, also at `/`, the embed examples and the
    /// built packages).
    #[arg(long, env = "RUSHER_WWW", default_value = "www")]
    www: PathBuf,
    /// The most members of one presence channel: this server's own, or with `--upstream`, the
    /// upstream app's (Pusher's and soketi's is 100; set sockudo's
    /// `max_presence_members_per_channel` to the same), so that the chat counts a full room on
    /// its private twin.
    #[arg(long, env = "RUSHER_MEMBER_LIMIT", default_value_t = 100)]
    member_limit: usize,
    /// The most client events per connection per second (over it: close 4301).
    #[arg(long, env = "RUSHER_CLIENT_EVENTS_PER_SECOND", default_value_t = 10)]
    client_events_per_second: u32,
    /// Enable the fault-injection endpoints under /_faults/ (tests only; loopback only).
    #[arg(long)]
    faults: bool,
    /// Keep the chat in this PostgreSQL database (`postgres://user:password@host:port/db`)
    /// instead of `DATA_DIR/chat.sqlite3`, so that several backend replicas share sessions,
    /// history and idempotency keys.
    #[arg(long, env = "RUSHER_DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
    /// The origin of a page on another origin that may call the chat backend with credentials
    /// (CORS, no wildcard), such as `https://www.shop.example`; repeat the flag for several (the
    /// variable takes a comma-separated list).
    #[arg(
        long = "allow-origin",
        env = "RUSHER_ALLOW_ORIGINS",
        value_delimiter = ','
    )]
    allow_origins: Vec<String>,
    /// Serve only the chat backend and its auth endpoints, for an app on another
    /// Pusher-compatible server (Pusher, sockudo, soketi): that app's REST API base URL, as in
    /// `https://api-eu.pusher.com` or `http://127.0.0.1:6001`. The app credentials are then the
    /// upstream app's; auth answers are signed with its secret and messages published through
    /// its REST API.
    #[arg(long, env = "RUSHER_UPSTREAM")]
    upstream: Option<reqwest::Url>,
    /// The upstream's WebSocket host for pages, when it is not the upstream URL's host (Pusher:
    /// `ws-eu.pusher.com`).
    #[arg(long, env = "RUSHER_UPSTREAM_WS_HOST", requires = "upstream")]
    upstream_ws_host: Option<String>,
    /// The upstream's WebSocket port for pages, when it is not the upstream URL's port.
    #[arg(long, env = "RUSHER_UPSTREAM_WS_PORT", requires = "upstream")]
    upstream_ws_port: Option<u16>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Trigger an event on one or more channels.
    Trigger {
        #[command(flatten)]
        server: ServerUrl,
        /// A channel (repeat for several).
        #[arg(long = "channel", required = true)]
        channels: Vec<String>,
        /// The event name.
        #[arg(long)]
        event: String,
        /// The payload (usually JSON).
        #[arg(long, default_value = "{}")]
        data: String,
        /// A socket to leave out.
        #[arg(long)]
        socket_id: Option<String>,
        /// Channel attributes to return: subscription_count, user_count.
        #[arg(long)]
        info: Option<String>,
    },
    /// List occupied channels.
    Channels {
        #[command(flatten)]
        server: ServerUrl,
        /// Only channels whose name starts with this.
        #[arg(long)]
        prefix: Option<String>,
        /// Attributes to return: user_count (presence prefix only), subscription_count.
        #[arg(long)]
        info: Option<String>,
    },
    /// Show one channel.
    Channel {
        #[command(flatten)]
        server: ServerUrl,
        /// The channel.
        name: String,
        /// Attributes to return: user_count, subscription_count.
        #[arg(long)]
        info: Option<String>,
    },
    /// List the users of a presence channel.
    Users {
        #[command(flatten)]
        server: ServerUrl,
        /// The presence channel.
        channel: String,
    },
    /// Close every connection of a signed-in user.
    Terminate {
        #[command(flatten)]
        server: ServerUrl,
        /// The user id.
        user_id: String,
    },
}

#[derive(Debug, Args)]
struct ServerUrl {
    /// The server's HTTP base URL.
    #[arg(long, env = "RUSHER_URL", default_value = "http://127.0.0.1:8080")]
    url: String,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let given = Given {
        app_id: cli.credentials.app_id,
        key: cli.credentials.app_key,
        secret: cli.credentials.app_secret,
        master_key: cli.credentials.master_key,
    };
    // Credentials made up here would sign for an app the upstream does not know.
    let missing = [
        ("--app-id", given.app_id.is_none()),
        ("--app-key", given.key.is_none()),
        ("--app-secret", given.secret.is_none()),
    ];
    if cli.command.is_none() && cli.serve.upstream.is_some() {
        let missing: Vec<&str> = missing.iter().filter(|m| m.1).map(|m| m.0).collect();
        if !missing.is_empty() {
            eprintln!(
                "rusher-server: --upstream needs the upstream app's credentials: {} (or RUSHER_APP_ID, RUSHER_APP_KEY, RUSHER_APP_SECRET)",
                missing.join(", ")
            );
            return ExitCode::FAILURE;
        }
    }
    let result = match Credentials::load(&cli.credentials.data_dir, &given) {
        Ok(credentials) => match cli.command {
            None => serve(cli.serve, credentials, &cli.credentials.data_dir).await,
            Some(command) => call(command, &credentials).await,
        },
        Err(e) => Err(e.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("rusher-server: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Serves the site (the embedded default, or the chat backend for an app on `--upstream`) until
/// a shutdown signal.
async fn serve(
    args: ServeArgs,
    credentials: Credentials,
    data_dir: &std::path::Path,
) -> Result<(), String> {
    let master_key = credentials.master_key_bytes().map_err(|e| e.to_string())?;
    let store = match &args.database_url {
        Some(url) => Store::connect(url).await,
        None => Store::open(&data_dir.join("chat.sqlite3")),
    }
    .map_err(|e| e.to_string())?;
    let addr: SocketAddr = format!("{}:{}", args.host, args.port)
        .parse()
        .map_err(|e| format!("bad address {}:{}: {e}", args.host, args.port))?;
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let www = args.www.is_dir().then(|| args.www.clone());
    let site = match &args.upstream {
        Some(upstream) => {
            let backend = upstream_backend(&args, upstream, &credentials, master_key, store)?;
            tokio::spawn(twin_counts::count_forever(backend.clone()));
            println!("rusher-server: chat backend at http://{addr}/ for the app on {upstream}");
            Site {
                realtime: None,
                backend: Some(backend),
                www,
            }
        }
        None => embedded_site(&args, &credentials, master_key, store, addr, www),
    };
    println!(
        "  app id {}, key {}; data in {}",
        credentials.app_id,
        credentials.key,
        data_dir.display()
    );
    rusher_server::serve(listener, site, shutdown_signal())
        .await
        .map_err(|e| e.to_string())
}

/// The embedded default: the realtime server and the chat backend for its app, in this
/// process; says where they are.
fn embedded_site(
    args: &ServeArgs,
    credentials: &Credentials,
    master_key: [u8; 32],
    store: Store,
    addr: SocketAddr,
    www: Option<std::path::PathBuf>,
) -> Site {
    let mut app = App::new(
        &credentials.app_id,
        &credentials.key,
        &credentials.secret,
        master_key,
    );
    app.member_limit = args.member_limit;
    app.client_events_per_second = args.client_events_per_second;
    let mut prefix = [0u8; 4];
    let _ = getrandom::fill(&mut prefix);
    let state = Shared::new(app, args.faults, u64::from(u32::from_le_bytes(prefix)));
    let backend = embedded::backend(&state, store, args.allow_origins.clone());
    let built = args.www.join("chat").join("rusher-chat.js").is_file();
    println!(
        "rusher-server: http://{addr}/  (demo{})",
        if built {
            ""
        } else {
            " not built: cargo xtask demo builds it"
        }
    );
    println!(
        "  WebSocket  ws://{addr}/app/{}?protocol=7",
        credentials.key
    );
    println!("  REST       http://{addr}/apps/{}/", credentials.app_id);
    Site {
        realtime: Some(state),
        backend: Some(backend),
        www,
    }
}

/// The chat backend for an app on another server: signed with its credentials, publishing
/// through its REST API, telling pages where its WebSocket is.
fn upstream_backend(
    args: &ServeArgs,
    upstream: &reqwest::Url,
    credentials: &Credentials,
    master_key: [u8; 32],
    store: Store,
) -> Result<BackendState, String> {
    let tls = upstream.scheme() == "https";
    let host = args
        .upstream_ws_host
        .clone()
        .or_else(|| upstream.host_str().map(str::to_owned))
        .ok_or_else(|| format!("--upstream {upstream} has no host"))?;
    let port = args
        .upstream_ws_port
        .or_else(|| upstream.port_or_known_default())
        .unwrap_or(if tls { 443 } else { 80 });
    let client = RestClient::new(
        upstream.as_str(),
        &credentials.app_id,
        &credentials.key,
        &credentials.secret,
    )
    .with_master_key(master_key);
    Ok(Arc::new(Backend {
        app: AppCredentials {
            app_id: credentials.app_id.clone(),
            key: credentials.key.clone(),
            secret: credentials.secret.clone(),
            master_key,
        },
        store,
        publisher: Arc::new(RestPublisher::new(client)),
        member_limit: Some(args.member_limit),
        twin_counts: Some(TwinCounts::new()),
        websocket: Some(WebSocketAddress { host, port, tls }),
        faults: AuthFaults::new(args.faults),
        allowed_origins: args.allow_origins.clone(),
        limits: RateLimits::default(),
    }))
}

/// Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
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
        () = ctrl_c => {},
        () = terminate => {},
    }
}

/// Runs a REST subcommand and prints its answer as JSON. Over 60 lines: one arm per subcommand.
async fn call(command: Command, credentials: &Credentials) -> Result<(), String> {
    let client = |server: &ServerUrl| -> Result<RestClient, String> {
        let master_key = credentials.master_key_bytes().map_err(|e| e.to_string())?;
        Ok(RestClient::new(
            &server.url,
            &credentials.app_id,
            &credentials.key,
            &credentials.secret,
        )
        .with_master_key(master_key))
    };
    let answer = match command {
        Command::Trigger {
            server,
            channels,
            event,
            data,
            socket_id,
            info,
        } => {
            let channels: Vec<&str> = channels.iter().map(String::as_str).collect();
            let options = TriggerOptions { socket_id, info };
            let channels = client(&server)?
                .trigger(&channels, &event, &data, &options)
                .await
                .map_err(|e| e.to_string())?;
            json!({ "channels": channels })
        }
        Command::Channels {
            server,
            prefix,
            info,
        } => {
            let channels = client(&server)?
                .channels(prefix.as_deref(), info.as_deref())
                .await
                .map_err(|e| e.to_string())?;
            json!({ "channels": channels })
        }
        Command::Channel { server, name, info } => {
            let state = client(&server)?
                .channel(&name, info.as_deref())
                .await
                .map_err(|e| e.to_string())?;
            json!(state)
        }
        Command::Users { server, channel } => {
            let users = client(&server)?
                .users(&channel)
                .await
                .map_err(|e| e.to_string())?;
            json!({ "users": users })
        }
        Command::Terminate { server, user_id } => {
            client(&server)?
                .terminate_user_connections(&user_id)
                .await
                .map_err(|e| e.to_string())?;
            json!({})
        }
    };
    println!("{answer}");
    Ok(())
}
