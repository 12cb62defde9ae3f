//! Every route of the chat contract (`rusher_chat_api::routes::ALL`) is served by the backend's
//! router: a route added to the contract fails here until the router serves it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;

use common::{Recorder, start};
use rusher_chat_api::routes;

/// A method no route takes: the router answers 405 on a path it serves and 404 on one it does
/// not, whatever the route's own checks (session, body) would say.
async fn status_of_put(addr: std::net::SocketAddr, path: &str) -> u16 {
    reqwest::Client::new()
        .put(format!("http://{addr}{path}"))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn the_router_serves_every_route_of_the_contract() {
    let addr = start(Arc::new(Recorder::default()), &[]).await;
    assert_eq!(
        status_of_put(addr, "/chat/no-such-route").await,
        404,
        "a path the router does not serve"
    );
    for path in routes::ALL {
        assert_eq!(status_of_put(addr, path).await, 405, "{path} is not routed");
    }
}
