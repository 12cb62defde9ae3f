//! What the soak (`rusher-soak`) and the load generator (`rusher-load`) share: the protocol core
//! driven over a real WebSocket by tokio ([`socket`]), its channel auth asked of the chat
//! backend ([`auth`]), a process's memory and CPU time read from `/proc` ([`process`]), and waiting for a
//! condition ([`wait_for`]).

pub mod auth;
pub mod process;
pub mod socket;

use std::time::Duration;

/// Waits until `ready` holds, up to `limit`; whether it did.
pub async fn wait_for(ready: impl Fn() -> bool, limit: Duration) -> bool {
    let until = tokio::time::Instant::now() + limit;
    while tokio::time::Instant::now() < until {
        if ready() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    ready()
}
