//! Topologies where the sockets run on a server nobody here wrote (sockudo or soketi), and the
//! chat backend is `rusher-server --upstream`: [`Upstream`] (one server, one backend) for the
//! client and JS API suites, and [`Cluster`] (Redis, PostgreSQL, two nodes clustered over that
//! Redis, and two backend replicas on the one database, replica N publishing to node N) for the
//! widget's cluster suite.
//! All on loopback ports, stopped when dropped (the replicas first, Redis last: sockudo nodes
//! without their Redis do not stop promptly).

use std::path::Path;
use std::process::Command;

use crate::control::Restartable;
use crate::server::{Build, LocalServer, MEMBER_LIMIT, Service};
use crate::setup;
use crate::shell::{Error, work_dir};

/// One Pusher-compatible server nobody here wrote, and one chat backend in `--upstream` mode for
/// its app.
pub struct Upstream {
    backend: LocalServer,
    sockets: Restartable,
    name: &'static str,
}

impl Upstream {
    /// sockudo, then the backend.
    pub fn start_sockudo() -> Result<Self, Error> {
        Self::start_sockudo_on(&setup::sockudo_binary(), Build::Debug)
    }

    /// sockudo's `binary`, then the backend's `build`.
    pub fn start_sockudo_on(binary: &Path, build: Build) -> Result<Self, Error> {
        let sockets = LocalServer::start_sockudo(binary)?;
        Self::with(sockets, "sockudo", build)
    }

    /// soketi, then the backend.
    pub fn start_soketi() -> Result<Self, Error> {
        Self::with(LocalServer::start_soketi()?, "soketi", Build::Debug)
    }

    fn with(sockets: LocalServer, name: &'static str, build: Build) -> Result<Self, Error> {
        let backend = LocalServer::start_replica(
            build,
            &format!("upstream-{name}"),
            sockets.port(),
            None,
            MEMBER_LIMIT,
        )?;
        Ok(Self {
            backend,
            sockets: Restartable::new(sockets)?,
            name,
        })
    }

    /// The backend's port and pid.
    pub fn backend(&self) -> (u16, u32) {
        (self.backend.port(), self.backend.pid())
    }

    /// The sockets' port and pid.
    pub fn sockets(&self) -> (u16, u32) {
        self.sockets.with(|server| (server.port(), server.pid()))
    }
}

impl Service for Upstream {
    /// The backend's `RUSHER_*` variables; `RUSHER_SOCKETS_HOST`, `RUSHER_SOCKETS_PORT` and
    /// `RUSHER_SERVER_NAME` for the sockets, and `RUSHER_CONTROL_URL` to restart them.
    fn configure(&self, command: &mut Command) {
        self.sockets.configure(command);
        self.backend.configure(command);
        let port = self.sockets.with(LocalServer::port);
        command
            .env("RUSHER_SOCKETS_HOST", "127.0.0.1")
            .env("RUSHER_SOCKETS_PORT", port.to_string())
            .env("RUSHER_SERVER_NAME", self.name);
    }
}

/// The running cluster. Fields drop in declaration order.
pub struct Cluster {
    replica_1: LocalServer,
    replica_2: LocalServer,
    node_1: LocalServer,
    name: &'static str,
    node_2: LocalServer,
    member_limit: usize,
    postgres: LocalServer,
    redis: LocalServer,
}

impl Cluster {
    /// Two sockudo nodes over Redis, whose presence channels hold `member_limit` members.
    pub fn start_sockudo(member_limit: usize) -> Result<Self, Error> {
        Self::start_sockudo_on(&setup::sockudo_binary(), Build::Debug, member_limit)
    }

    /// Two nodes of sockudo's `binary` over Redis, and replicas of the backend's `build`.
    pub fn start_sockudo_on(
        sockudo: &Path,
        build: Build,
        member_limit: usize,
    ) -> Result<Self, Error> {
        Self::start("sockudo", build, member_limit, |name, redis| {
            LocalServer::start_sockudo_node(sockudo, name, Some(redis), member_limit)
        })
    }

    /// Two soketi nodes over Redis, whose presence channels hold `member_limit` members.
    pub fn start_soketi(member_limit: usize) -> Result<Self, Error> {
        Self::start("soketi", Build::Debug, member_limit, |name, redis| {
            LocalServer::start_soketi_node(name, Some(redis), member_limit)
        })
    }

    /// Each replica's port with the port of the node it publishes to.
    pub fn pairs(&self) -> [(u16, u16); 2] {
        [
            (self.replica_1.port(), self.node_1.port()),
            (self.replica_2.port(), self.node_2.port()),
        ]
    }

    /// Every process of the cluster by what it is: `sockets` (the nodes), `backend` (the
    /// replicas), `redis` and `postgres`.
    pub fn pids(&self) -> Vec<(&'static str, u32)> {
        vec![
            ("sockets", self.node_1.pid()),
            ("sockets", self.node_2.pid()),
            ("backend", self.replica_1.pid()),
            ("backend", self.replica_2.pid()),
            ("redis", self.redis.pid()),
            ("postgres", self.postgres.pid()),
        ]
    }

    /// Starts every service, each once the one it needs answers; `node(name, redis_port)`
    /// starts one node of the server's cluster.
    fn start(
        name: &'static str,
        build: Build,
        member_limit: usize,
        node: impl Fn(&str, u16) -> Result<LocalServer, Error>,
    ) -> Result<Self, Error> {
        let redis = LocalServer::start_redis()?;
        let postgres = LocalServer::start_postgres()?;
        let node_1 = node(&format!("{name}-cluster-node-1"), redis.port())?;
        let node_2 = node(&format!("{name}-cluster-node-2"), redis.port())?;
        let database = postgres.postgres_url();
        let replica = |n: u16, node: &LocalServer| {
            LocalServer::start_replica(
                build,
                &format!("{name}-cluster-replica-{n}"),
                node.port(),
                Some(&database),
                member_limit,
            )
        };
        Ok(Self {
            replica_1: replica(1, &node_1)?,
            replica_2: replica(2, &node_2)?,
            node_1,
            name,
            node_2,
            member_limit,
            postgres,
            redis,
        })
    }
}

impl Service for Cluster {
    /// `CLUSTER_REPLICA_1` and `_2` (the replicas' URLs), `CLUSTER_SERVER_NAME`,
    /// `CLUSTER_MEMBER_LIMIT` (the most members of a presence channel), and what the
    /// suite needs to kill node 1 and start it again: its pid, how it was launched
    /// (`CLUSTER_NODE_1_LAUNCH`, JSON), and where logs go.
    fn configure(&self, command: &mut Command) {
        let url = |server: &LocalServer| format!("http://127.0.0.1:{}", server.port());
        command
            .env("CLUSTER_REPLICA_1", url(&self.replica_1))
            .env("CLUSTER_REPLICA_2", url(&self.replica_2))
            .env("CLUSTER_SERVER_NAME", self.name)
            .env("CLUSTER_MEMBER_LIMIT", self.member_limit.to_string())
            .env("CLUSTER_NODE_1_PID", self.node_1.pid().to_string())
            .env("CLUSTER_NODE_1_LAUNCH", self.node_1.launched().to_string())
            .env("CLUSTER_LOG_DIR", work_dir().join("logs"));
    }
}
