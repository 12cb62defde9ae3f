//! soketi (from `cargo xtask setup`), the other Pusher server nobody here wrote, on loopback with
//! this suite's app: alone, or as one node of a cluster over Redis.

use std::fs;
use std::process::Command;

use super::{APP_ID, KEY, Kind, LocalServer, MEMBER_LIMIT, SECRET, free_port};
use crate::setup;
use crate::shell::{Error, work_dir};

impl LocalServer {
    /// Starts soketi (from `cargo xtask setup`) on loopback with this suite's app; its cluster
    /// discovery, which it always starts, pinned to loopback too. Waits until `/ready` answers.
    pub fn start_soketi() -> Result<Self, Error> {
        Self::start_soketi_node("soketi", None, MEMBER_LIMIT)
    }

    /// Starts a soketi node named `name` whose presence channels hold `member_limit` members;
    /// with `redis_port`, clustered with the other nodes on that Redis (its adapter there).
    pub fn start_soketi_node(
        name: &str,
        redis_port: Option<u16>,
        member_limit: usize,
    ) -> Result<Self, Error> {
        let (port, cluster_port, metrics_port) = (free_port()?, free_port()?, free_port()?);
        let mut config = serde_json::json!({
            "host": "127.0.0.1",
            "port": port,
            "metrics.enabled": false,
            "metrics.host": "127.0.0.1",
            "metrics.port": metrics_port,
            "cluster.hostname": "127.0.0.1",
            "cluster.address": "127.0.0.1",
            "cluster.broadcast": "127.0.0.1",
            "cluster.port": cluster_port,
            "cluster.unicast": format!("127.0.0.1:{cluster_port}"),
            "appManager.array.apps": [{
                "id": APP_ID, "key": KEY, "secret": SECRET, "enabled": true,
                "enableClientMessages": true, "enableUserAuthentication": true,
                "maxClientEventsPerSecond": -1,
                "maxPresenceMembersPerChannel": member_limit,
            }],
        });
        if let (Some(redis_port), Some(fields)) = (redis_port, config.as_object_mut()) {
            fields.insert("adapter.driver".into(), "redis".into());
            fields.insert("database.redis.host".into(), "127.0.0.1".into());
            fields.insert("database.redis.port".into(), redis_port.into());
        }
        let config_path = work_dir().join(format!("{name}.json"));
        fs::write(&config_path, serde_json::to_string_pretty(&config)?)?;
        let mut command = Command::new("node");
        command
            .arg(setup::soketi_dir().join("node_modules/@soketi/soketi/bin/server.js"))
            .arg("start")
            .arg(format!("--config={}", config_path.display()))
            .env_remove("PORT")
            .env_remove("HOST");
        Self::launch(command, name, port, Kind::Soketi, "/ready")
    }
}
