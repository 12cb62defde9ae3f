//! The stores the cluster runs on, thrown away after: Redis (its nodes' adapter) and a
//! PostgreSQL cluster (its backend replicas' database).

use std::fs;
use std::process::Command;

use super::{Kind, LocalServer, free_port};
use crate::setup::postgres_bin;
use crate::shell::{Error, cmd, first_line, run_quiet, work_dir};

impl LocalServer {
    /// Starts a throwaway Redis on a loopback port, keeping nothing on disk.
    pub fn start_redis() -> Result<Self, Error> {
        let port = free_port()?;
        let mut command = Command::new("redis-server");
        command
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .current_dir(work_dir());
        Self::launch(command, "redis", port, Kind::Redis, "")
    }

    /// The URL of the `postgres` database on this PostgreSQL server.
    pub fn postgres_url(&self) -> String {
        format!("postgres://rusher@127.0.0.1:{}/postgres", self.port)
    }

    /// Starts a throwaway PostgreSQL cluster in `target/xtask/postgres` on a loopback port (as the
    /// `postgres` user when running as root: it refuses root), with user `rusher` and trust
    /// authentication; waits until it accepts connections.
    pub fn start_postgres() -> Result<Self, Error> {
        let (Some(initdb), Some(postgres)) = (postgres_bin("initdb"), postgres_bin("postgres"))
        else {
            return Err("PostgreSQL is not installed (cargo xtask setup installs it)".into());
        };
        let port = free_port()?;
        let dir = work_dir().join("postgres");
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir)?;
        let as_root = first_line("id", &["-u"]).as_deref() == Some("0");
        if as_root {
            run_quiet(
                cmd("chown").args(["-R", "postgres"]).arg(&dir),
                "chown postgres",
                None,
            )?;
        }
        let run_as = |program: &std::path::Path| {
            let mut command = if as_root {
                let mut command = Command::new("setpriv");
                command
                    .args([
                        "--reuid=postgres",
                        "--regid=postgres",
                        "--init-groups",
                        "--",
                    ])
                    .arg(program);
                command
            } else {
                Command::new(program)
            };
            command.current_dir(&dir);
            command
        };
        let data = dir.join("data");
        run_quiet(
            run_as(&initdb)
                .arg("-D")
                .arg(&data)
                .args(["-A", "trust", "-U", "rusher", "--no-sync"]),
            "initdb",
            Some(&work_dir().join("logs").join("postgres-initdb.log")),
        )?;
        let mut command = run_as(&postgres);
        command
            .arg("-D")
            .arg(&data)
            .args(["-p", &port.to_string()])
            .arg("-k")
            .arg(&dir)
            .args(["-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"]);
        Self::launch(command, "postgres", port, Kind::Postgres, "")
    }
}
