//! Topologies where the sockets run on a server nobody here wrote, and the chat backend is
//! `rusher-server --upstream`: [`Upstream`] (one sockudo, one backend) for the JS API suite, and
//! [`Cluster`] (Redis, PostgreSQL, two sockudo nodes clustered over that Redis, and two backend
//! replicas on the one database, replica N publishing to node N) for the widget's cluster suite.
//! All on loopback ports, stopped when dropped (the replicas first, Redis last: sockudo nodes
//! without their Redis do not stop promptly).

use std::path::PathBuf;
use std::process::Command;

use crate::server::{LocalServer, Service};
use crate::setup;
use crate::shell::{Error, work_dir};

/// One Pusher-compatible server nobody here wrote, and one chat backend in `--upstream` mode for
/// its app.
pub struct Upstream {
    backend: LocalServer,
    sockets: LocalServer,
    name: &'static str,
}

impl Upstream {
    /// sockudo, then the backend.
    pub fn start_sockudo() -> Result<Self, Error> {
        let sockets = LocalServer::start_sockudo(&setup::sockudo_binary())?;
        Self::with(sockets, "sockudo")
    }

    /// soketi, then the backend.
    pub fn start_soketi() -> Result<Self, Error> {
        Self::with(LocalServer::start_soketi()?, "soketi")
    }

    fn with(sockets: LocalServer, name: &'static str) -> Result<Self, Error> {
        let backend =
            LocalServer::start_replica(&format!("upstream-{name}"), sockets.port(), None)?;
        Ok(Self {
            backend,
            sockets,
            name,
        })
    }
}

impl Service for Upstream {
    /// The backend's `RUSHER_*` variables, and `RUSHER_SOCKETS_HOST`, `RUSHER_SOCKETS_PORT` and
    /// `RUSHER_SERVER_NAME` for the sockets.
    fn configure(&self, command: &mut Command) {
        self.backend.configure(command);
        command
            .env("RUSHER_SOCKETS_HOST", "127.0.0.1")
            .env("RUSHER_SOCKETS_PORT", self.sockets.port().to_string())
            .env("RUSHER_SERVER_NAME", self.name);
    }
}

/// The running cluster. Fields drop in declaration order.
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
        let replica_1 =
            LocalServer::start_replica("cluster-replica-1", node_1.port(), Some(&database))?;
        let replica_2 =
            LocalServer::start_replica("cluster-replica-2", node_2.port(), Some(&database))?;
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
