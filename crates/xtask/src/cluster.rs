//! The production topology the widget's cluster suite runs on (`tests/browser/cluster.mjs`):
//! Redis, PostgreSQL, two sockudo nodes clustered over that Redis, and two rusher-server replicas
//! in `--upstream` mode on the one database, replica N publishing to node N. All on loopback
//! ports, stopped when dropped (the replicas first, Redis last: sockudo nodes without their Redis
//! do not stop promptly).

use std::path::PathBuf;
use std::process::Command;

use crate::server::{LocalServer, Service};
use crate::setup;
use crate::shell::{Error, work_dir};

/// The running topology. Fields drop in declaration order.
pub struct Cluster {
    replica_1: LocalServer,
    replica_2: LocalServer,
    node_1: LocalServer,
    node_2: LocalServer,
    node_1_config: PathBuf,
    _postgres: LocalServer,
    _redis: LocalServer,
}

impl Cluster {
    /// Starts every service, each once the one it needs answers.
    pub fn start() -> Result<Self, Error> {
        let redis = LocalServer::start_redis()?;
        let postgres = LocalServer::start_postgres()?;
        let sockudo = setup::sockudo_binary();
        let (node_1, node_1_config) =
            LocalServer::start_sockudo_node(&sockudo, "cluster-node-1", Some(redis.port()))?;
        let (node_2, _) =
            LocalServer::start_sockudo_node(&sockudo, "cluster-node-2", Some(redis.port()))?;
        let database = postgres.postgres_url();
        let replica_1 = LocalServer::start_replica("cluster-replica-1", node_1.port(), &database)?;
        let replica_2 = LocalServer::start_replica("cluster-replica-2", node_2.port(), &database)?;
        Ok(Self {
            replica_1,
            replica_2,
            node_1,
            node_2,
            node_1_config,
            _postgres: postgres,
            _redis: redis,
        })
    }
}

impl Service for Cluster {
    /// `CLUSTER_REPLICA_1` and `_2` (the replicas' URLs), and what the suite needs to kill and
    /// restart node 1: its pid, port and config, the sockudo binary, and where logs go.
    fn configure(&self, command: &mut Command) {
        let url = |server: &LocalServer| format!("http://127.0.0.1:{}", server.port());
        command
            .env("CLUSTER_REPLICA_1", url(&self.replica_1))
            .env("CLUSTER_REPLICA_2", url(&self.replica_2))
            .env("CLUSTER_NODE_1_PID", self.node_1.pid().to_string())
            .env("CLUSTER_NODE_1_PORT", self.node_1.port().to_string())
            .env("CLUSTER_NODE_1_CONFIG", &self.node_1_config)
            .env("CLUSTER_NODE_2_PORT", self.node_2.port().to_string())
            .env("CLUSTER_SOCKUDO", setup::sockudo_binary())
            .env("CLUSTER_LOG_DIR", work_dir().join("logs"));
    }
}
