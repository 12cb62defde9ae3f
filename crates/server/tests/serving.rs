//! What the binary and the router serve beyond the protocol: docs/protocol.md's known answers through
//! the auth endpoint, static files, and the CLI subcommands.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::process::Command;

use common::{Client, Server, Visitor, event};
use rusher_server::{App, Shared, Site};
use serde_json::{Value, json};
use tokio::net::TcpListener;

#[tokio::test]
async fn the_auth_endpoint_gives_protocol_md_known_answers() {
    let server = Server::start_with(|app: &mut App| {
        app.key = "278d425bdf160c739803".into();
        app.secret = "7ad3773142a6692b25b8".into();
        app.master_key = [7; 32];
    })
    .await;
    let visitor = Visitor::join(&server, "Mr. Channels").await;
    let private: Value = visitor
        .post_form(
            "/pusher/auth",
            "socket_id=1234.1234&channel_name=private-foobar",
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        private,
        json!({"auth": "278d425bdf160c739803:58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4"})
    );
    let encrypted: Value = visitor
        .post_form(
            "/pusher/auth",
            "socket_id=1234.1234&channel_name=private-encrypted-foobar",
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        encrypted,
        json!({
            "auth": "278d425bdf160c739803:e6a18892d037c5d5e76a2265df4f086ffc38631605530dfd214aa5bff495f533",
            "shared_secret": "KH+tRDTu81ixTVmz3MQln/a4WHOgYOu3/49dt88n9/k="
        })
    );
}

#[tokio::test]
async fn serves_the_demo_at_root_and_www_files() {
    let www = tempfile::tempdir().unwrap();
    std::fs::write(www.path().join("index.html"), "<h1>demo</h1>").unwrap();
    std::fs::write(www.path().join("embed.html"), "<p>embed</p>").unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = Shared::new(App::new("a", "k", "s", [0; 32]), false, 1);
    let site = Site {
        realtime: Some(state),
        backend: None,
        www: Some(www.path().to_owned()),
    };
    tokio::spawn(async move {
        rusher_server::serve(listener, site, std::future::pending())
            .await
            .unwrap();
    });
    let get = |path: &str| reqwest::get(format!("http://{addr}{path}"));
    assert_eq!(
        get("/").await.unwrap().text().await.unwrap(),
        "<h1>demo</h1>"
    );
    assert_eq!(
        get("/www/embed.html").await.unwrap().text().await.unwrap(),
        "<p>embed</p>"
    );
    assert_eq!(
        get("/www/").await.unwrap().text().await.unwrap(),
        "<h1>demo</h1>"
    );
    // The demo page carries its policy at each of its addresses; other pages do not.
    for path in ["/", "/www/", "/www/index.html"] {
        let answer = get(path).await.unwrap();
        let policy = answer.headers().get("content-security-policy");
        assert_eq!(
            policy.map(|p| p.to_str().unwrap().to_owned()),
            Some(rusher_server::files::demo_page_csp(None)),
            "{path}"
        );
    }
    let embed = get("/www/embed.html").await.unwrap();
    assert!(embed.headers().get("content-security-policy").is_none());
    assert_eq!(get("/missing.js").await.unwrap().status(), 404);
    assert_eq!(get("/www/missing.js").await.unwrap().status(), 404);
    assert_eq!(get("/up").await.unwrap().status(), 200);
}

/// The status line and body of a raw `GET target` (sent as written: no client normalizes it).
async fn raw_get(addr: std::net::SocketAddr, target: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn the_file_routes_serve_nothing_outside_their_folder() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "TOP SECRET").unwrap();
    std::fs::create_dir(outside.path().join("www")).unwrap();
    let www = outside.path().join("www");
    std::fs::write(www.join("index.html"), "<h1>demo</h1>").unwrap();
    std::fs::create_dir(www.join("inner")).unwrap();
    std::fs::write(www.join("inner").join("ok.txt"), "inside").unwrap();
    // A link to a file outside, a link to the folder outside, and a link that stays inside.
    std::os::unix::fs::symlink(outside.path().join("secret.txt"), www.join("leak.txt")).unwrap();
    std::os::unix::fs::symlink(outside.path(), www.join("up")).unwrap();
    std::os::unix::fs::symlink(www.join("inner"), www.join("alias")).unwrap();
    // A folder whose index.html is a link to outside.
    std::fs::create_dir(www.join("sub")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.txt"),
        www.join("sub").join("index.html"),
    )
    .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let site = Site {
        realtime: None,
        backend: None,
        www: Some(www.clone()),
    };
    tokio::spawn(async move {
        rusher_server::serve(listener, site, std::future::pending())
            .await
            .unwrap();
    });
    for target in [
        "/www/../secret.txt",
        "/www/%2e%2e/secret.txt",
        "/www/%2E%2E%2Fsecret.txt",
        "/www/..%2fsecret.txt",
        "/www/..%5csecret.txt",
        "/www/inner/../../secret.txt",
        "/www/%252e%252e/secret.txt",
        "/www//../secret.txt",
        "/www/leak.txt",
        "/www/up/secret.txt",
        "/www/up/",
        "/www/sub/",
        "/www/sub",
        "/www/%2fetc%2fpasswd",
        "/www/..\\secret.txt",
        "/../secret.txt",
    ] {
        let answer = raw_get(addr, target).await;
        assert!(!answer.contains("TOP SECRET"), "{target} leaked: {answer}");
        assert!(!answer.contains("root:"), "{target} leaked: {answer}");
        let status = answer.split(' ').nth(1).unwrap_or_default();
        assert!(
            ["400", "403", "404"].contains(&status),
            "{target}: {status}"
        );
    }
    assert!(raw_get(addr, "/www/inner/ok.txt").await.ends_with("inside"));
    assert!(
        raw_get(addr, "/www/alias/ok.txt").await.ends_with("inside"),
        "a link that stays inside the folder is served"
    );
}

/// Runs the binary with REST subcommand `args` against `url` (on a blocking thread, since the
/// server under test runs on this runtime); returns stdout and whether it succeeded.
async fn cli(url: String, args: &[&str]) -> (String, bool) {
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        let data_dir = tempfile::tempdir().unwrap();
        let output = Command::new(env!("CARGO_BIN_EXE_rusher-server"))
            .args(&args)
            .arg("--url")
            .arg(&url)
            .arg("--data-dir")
            .arg(data_dir.path())
            .env("RUSHER_APP_ID", common::APP_ID)
            .env("RUSHER_APP_KEY", common::KEY)
            .env("RUSHER_APP_SECRET", common::SECRET)
            .output()
            .unwrap();
        (
            String::from_utf8(output.stdout).unwrap(),
            output.status.success(),
        )
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn the_cli_triggers_and_queries() {
    let server = Server::start().await;
    let mut client = Client::connect(&server).await;
    client
        .subscribe_as("presence-room", Some(("7", json!({}))))
        .await;
    let trigger = [
        "trigger",
        "--channel",
        "presence-room",
        "--event",
        "news",
        "--data",
        r#"{"n":1}"#,
        "--info",
        "user_count",
    ];
    let (out, ok) = cli(server.http(""), &trigger).await;
    assert!(ok);
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap(),
        json!({"channels": {"presence-room": {"user_count": 1}}})
    );
    assert_eq!(
        client.next().await,
        event("news", "presence-room", json!({"n": 1}))
    );
    let (out, ok) = cli(server.http(""), &["users", "presence-room"]).await;
    assert!(ok);
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap(),
        json!({"users": ["7"]})
    );
    let (_, ok) = cli(server.http(""), &["users", "news"]).await;
    assert!(!ok, "users of a public channel is refused");
}
