//! sockudo, the Pusher server nobody here wrote that the interop and cluster suites run, on
//! loopback with a minimal config: alone, or as one node of a cluster over Redis.

use std::fs;
use std::path::Path;
use std::process::Command;

use super::{Kind, LocalServer, MEMBER_LIMIT, free_port};
use crate::shell::{Error, work_dir};

/// sockudo's app, as its config file below declares it, its presence channels holding
/// `MEMBERS` members (an app's limit left out is no limit in sockudo).
const SOCKUDO_CONFIG: &str = r#"host = "127.0.0.1"
port = PORT
mode = "development"
shutdown_grace_period = 0
activity_timeout = 120
[adapter]
driver = "local"
[cache]
driver = "memory"
[queue]
driver = "memory"
[rate_limiter]
enabled = false
[metrics]
enabled = false
host = "127.0.0.1"
[app_manager]
driver = "memory"
[[app_manager.array.apps]]
id = "app-id"
key = "app-key"
secret = "app-secret"
enabled = true
[app_manager.array.apps.policy.limits]
max_connections = 0
max_client_events_per_second = 0
max_event_payload_in_kb = 10
max_presence_members_per_channel = MEMBERS
[app_manager.array.apps.policy.features]
enable_client_messages = true
enable_user_authentication = true
"#;

impl LocalServer {
    /// Starts sockudo with a minimal config on loopback (its defaults would listen on 0.0.0.0,
    /// rate-limit connects and expose metrics), in a clean environment so no stray variable
    /// applies; waits until its app answers `/up/app-id`.
    pub fn start_sockudo(binary: &Path) -> Result<Self, Error> {
        Self::start_sockudo_node(binary, "sockudo", None, MEMBER_LIMIT)
    }

    /// Starts a sockudo node named `name` whose presence channels hold `member_limit` members;
    /// with `redis_port`, clustered with the other nodes on that Redis (its adapter and cache
    /// there).
    pub fn start_sockudo_node(
        binary: &Path,
        name: &str,
        redis_port: Option<u16>,
        member_limit: usize,
    ) -> Result<Self, Error> {
        let port = free_port()?;
        let mut config = SOCKUDO_CONFIG
            .replace("PORT", &port.to_string())
            .replace("MEMBERS", &member_limit.to_string());
        if let Some(redis_port) = redis_port {
            config = config
                .replace(
                    "[adapter]\ndriver = \"local\"",
                    "[adapter]\ndriver = \"redis\"",
                )
                .replace(
                    "[cache]\ndriver = \"memory\"",
                    "[cache]\ndriver = \"redis\"",
                );
            config.push_str(&format!(
                "[database.redis]\nhost = \"127.0.0.1\"\nport = {redis_port}\n"
            ));
        }
        let config_path = work_dir().join(format!("{name}.toml"));
        fs::write(&config_path, config)?;
        let mut command = Command::new(binary);
        command
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", std::env::var_os("HOME").unwrap_or_default())
            .env("HOST", "127.0.0.1")
            .env("PORT", port.to_string())
            .arg("--config")
            .arg(&config_path);
        Self::launch(command, name, port, Kind::Sockudo, "/up/app-id")
    }
}
