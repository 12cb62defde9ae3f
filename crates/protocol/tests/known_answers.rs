//! docs/protocol.md's known answers: auth signatures, shared secrets, encryption and REST signing.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

// On wasm32, `#[test]` is wasm-bindgen-test's: the same tests run in headless Chromium.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

mod common;

use common::{KEY, MASTER_KEY, SECRET, json, parse_json};
use rusher_protocol::crypto::{DecryptError, SharedSecret};
use rusher_protocol::json::Json;
use rusher_protocol::sign::{self, RestAuthError};

const SOCKET: &str = "1234.1234";
const PRESENCE_DATA: &str = r#"{"user_id":"10","user_info":{"name":"Mr. Channels"}}"#;
const USER_DATA: &str = r#"{"id":"10","user_info":{"name":"Mr. Channels"}}"#;
const ENCRYPTED_EVENT_DATA: &str = r#"{"nonce":"AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEB","ciphertext":"vN7A14PGPz5rwAtYZg315DK25Htf+3zuWJgYtRNYgtIt/c0="}"#;
const SHARED_SECRET: &str = "KH+tRDTu81ixTVmz3MQln/a4WHOgYOu3/49dt88n9/k=";

#[test]
fn private_channel_signature() {
    assert_eq!(
        sign::channel_string_to_sign(SOCKET, "private-foobar", None),
        "1234.1234:private-foobar"
    );
    let auth = sign::channel_auth(KEY, SECRET, SOCKET, "private-foobar", None);
    assert_eq!(
        auth,
        "278d425bdf160c739803:58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4"
    );
    assert!(sign::verify_channel_auth(
        KEY,
        SECRET,
        &auth,
        SOCKET,
        "private-foobar",
        None
    ));
}

#[test]
fn presence_channel_signature() {
    let auth = sign::channel_auth(KEY, SECRET, SOCKET, "presence-foobar", Some(PRESENCE_DATA));
    assert_eq!(
        auth,
        "278d425bdf160c739803:4c6d8fc42a207ba96a0779844171b0bb819d96ffceef9609f5cce596ab17a800"
    );
    assert!(sign::verify_channel_auth(
        KEY,
        SECRET,
        &auth,
        SOCKET,
        "presence-foobar",
        Some(PRESENCE_DATA)
    ));
    // The same signature does not cover other member data.
    assert!(!sign::verify_channel_auth(
        KEY,
        SECRET,
        &auth,
        SOCKET,
        "presence-foobar",
        Some(r#"{"user_id":"11"}"#)
    ));
}

#[test]
fn encrypted_channel_signature_and_shared_secret() {
    assert_eq!(
        sign::channel_auth(KEY, SECRET, SOCKET, "private-encrypted-foobar", None),
        "278d425bdf160c739803:e6a18892d037c5d5e76a2265df4f086ffc38631605530dfd214aa5bff495f533"
    );
    assert_eq!(
        sign::shared_secret(&MASTER_KEY, "private-encrypted-foobar").to_base64(),
        SHARED_SECRET
    );
}

#[test]
fn user_signin_signature() {
    assert_eq!(
        sign::user_string_to_sign(SOCKET, USER_DATA),
        r#"1234.1234::user::{"id":"10","user_info":{"name":"Mr. Channels"}}"#
    );
    let auth = sign::user_auth(KEY, SECRET, SOCKET, USER_DATA);
    assert_eq!(
        auth,
        "278d425bdf160c739803:aaa4ab4b01d77a2114ba482448abfb2de8f75152d692e1524f86b0b2b04ad7c9"
    );
    assert!(sign::verify_user_auth(
        KEY, SECRET, &auth, SOCKET, USER_DATA
    ));
}

#[test]
fn verification_refuses_wrong_key_socket_and_garbage() {
    let auth = sign::channel_auth(KEY, SECRET, SOCKET, "private-foobar", None);
    assert!(!sign::verify_channel_auth(
        KEY,
        SECRET,
        &auth,
        "1.1",
        "private-foobar",
        None
    ));
    assert!(!sign::verify_channel_auth(
        KEY,
        SECRET,
        &auth,
        SOCKET,
        "private-other",
        None
    ));
    assert!(!sign::verify_channel_auth(
        "other-key",
        SECRET,
        &auth,
        SOCKET,
        "private-foobar",
        None
    ));
    assert!(!sign::verify_channel_auth(
        KEY,
        "other-secret",
        &auth,
        SOCKET,
        "private-foobar",
        None
    ));
    for garbage in [
        "",
        ":",
        "no-colon",
        "278d425bdf160c739803:zz",
        "278d425bdf160c739803:abc",
    ] {
        assert!(!sign::verify_channel_auth(
            KEY,
            SECRET,
            garbage,
            SOCKET,
            "private-foobar",
            None
        ));
    }
}

#[test]
fn decrypts_the_known_encrypted_event() {
    let secret = SharedSecret::from_base64(SHARED_SECRET).unwrap();
    assert_eq!(
        secret
            .decrypt(Json::parse(ENCRYPTED_EVENT_DATA).unwrap())
            .unwrap()
            .value(),
        json!({"message": "hello"})
    );
}

#[test]
fn encrypts_the_known_event() {
    let secret = sign::shared_secret(&MASTER_KEY, "private-encrypted-foobar");
    assert_eq!(
        secret.encrypt(&[1; 24], br#"{"message":"hello"}"#),
        parse_json(ENCRYPTED_EVENT_DATA)
    );
}

#[test]
fn decryption_failures_are_typed() {
    let secret = SharedSecret::from_base64(SHARED_SECRET).unwrap();
    let wrong = SharedSecret::from_bytes([9; 32]);
    assert_eq!(
        wrong.decrypt(Json::parse(ENCRYPTED_EVENT_DATA).unwrap()),
        Err(DecryptError::Key)
    );
    for bad in [
        r#"{}"#,
        r#"{"nonce": "AQEB", "ciphertext": "AAAA"}"#,
        r#"{"nonce": "not base64!", "ciphertext": "AAAA"}"#,
        r#""a string""#,
    ] {
        let bad = Json::parse(bad).unwrap();
        assert_eq!(secret.decrypt(bad), Err(DecryptError::Format), "{bad:?}");
    }
    assert!(SharedSecret::from_base64("AAAA").is_none());
    assert!(SharedSecret::from_base64("not base64").is_none());
}

#[test]
fn shared_secret_never_shows_in_debug() {
    let secret = SharedSecret::from_base64(SHARED_SECRET).unwrap();
    let shown = format!("{secret:?}");
    assert!(!shown.contains("KH+t") && !shown.contains("40"), "{shown}");
    let auth = common::sign_channel(SOCKET, "private-encrypted-foobar");
    let shown = format!("{auth:?}");
    assert!(!shown.contains(SHARED_SECRET), "{shown}");
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

const BODY: &str = r#"{"name":"foo","channels":["project-3"],"data":"{\"some\":\"data\"}"}"#;

#[test]
fn rest_post_signature() {
    assert_eq!(
        sign::body_md5(BODY.as_bytes()),
        "ec365a775a4cd0599faeb73354201b6f"
    );
    let query = sign::sign_rest_request(
        KEY,
        SECRET,
        &sign::RestRequest {
            method: "POST",
            path: "/apps/3/events",
            params: &[],
            body: Some(BODY.as_bytes()),
        },
        1353088179,
    );
    assert_eq!(
        sign::rest_string_to_sign("POST", "/apps/3/events", &query),
        "POST\n/apps/3/events\nauth_key=278d425bdf160c739803&auth_timestamp=1353088179&auth_version=1.0&body_md5=ec365a775a4cd0599faeb73354201b6f"
    );
    let signature = &query.iter().find(|(k, _)| k == "auth_signature").unwrap().1;
    assert_eq!(
        signature,
        "da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c"
    );
}

#[test]
fn rest_get_signature() {
    let query = sign::sign_rest_request(
        KEY,
        SECRET,
        &sign::RestRequest {
            method: "GET",
            path: "/apps/3/channels",
            params: &pairs(&[("filter_by_prefix", "presence-"), ("info", "user_count")]),
            body: None,
        },
        1353088179,
    );
    let signature = &query.iter().find(|(k, _)| k == "auth_signature").unwrap().1;
    assert_eq!(
        signature,
        "16819168891cb5dfd72b5c7a5d3d602605b26c6ba1930033b5e2eeeb65010291"
    );
}

#[test]
fn rest_verification() {
    let now = 1353088179;
    let signed = |body: &str| {
        sign::sign_rest_request(
            KEY,
            SECRET,
            &sign::RestRequest {
                method: "POST",
                path: "/apps/3/events",
                params: &[],
                body: Some(body.as_bytes()),
            },
            now,
        )
    };
    let verify = |query: &[(String, String)], body: &str, at: u64| {
        sign::verify_rest_request(
            KEY,
            SECRET,
            &sign::RestRequest {
                method: "POST",
                path: "/apps/3/events",
                params: query,
                body: Some(body.as_bytes()),
            },
            at,
        )
    };
    let query = signed(BODY);
    assert_eq!(verify(&query, BODY, now), Ok(()));
    assert_eq!(verify(&query, BODY, now + 600), Ok(()));
    assert_eq!(
        verify(&query, BODY, now + 601),
        Err(RestAuthError::StaleTimestamp)
    );
    assert_eq!(verify(&query, "{}", now), Err(RestAuthError::BodyMd5));
    let mut tampered = query.clone();
    tampered.push(("extra".into(), "1".into()));
    assert_eq!(verify(&tampered, BODY, now), Err(RestAuthError::Signature));
    let without: Vec<_> = query
        .iter()
        .filter(|(k, _)| k != "auth_signature")
        .cloned()
        .collect();
    assert_eq!(
        verify(&without, BODY, now),
        Err(RestAuthError::Missing("auth_signature"))
    );
    let mut wrong_key = query.clone();
    wrong_key.retain(|(k, _)| k != "auth_key");
    wrong_key.push(("auth_key".into(), "nope".into()));
    assert_eq!(
        verify(&wrong_key, BODY, now),
        Err(RestAuthError::UnknownKey)
    );
}
