//! What a server reads: any client frame parses or is refused without a panic, and one that
//! parses is written back to the same message; any REST request's parameters verify or are
//! refused without a panic, and a request signed with the app's secret verifies.

use arbitrary::{Arbitrary, Unstructured};
use rusher_protocol::sign::{RestRequest, sign_rest_request, verify_rest_request};
use rusher_protocol::wire::ClientMessage;

const KEY: &str = "app-key";
const SECRET: &str = "app-secret";
const NOW: u64 = 1_700_000_000;

/// The `auth_*` parameters the signer adds.
const SIGNED: [&str; 5] = [
    "auth_key",
    "auth_timestamp",
    "auth_version",
    "body_md5",
    "auth_signature",
];

/// Runs one input.
pub fn run(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(message) = ClientMessage::parse(text)
    {
        let written = message.to_json();
        match ClientMessage::parse(&written) {
            Ok(again) => assert_eq!(again, message, "{text:?} wrote {written:?}"),
            Err(e) => panic!("{text:?} wrote {written:?}, which does not read back: {e:?}"),
        }
    }
    let mut input = Unstructured::new(data);
    let Ok((method, path, params, body, skew)) =
        <(String, String, Vec<(String, String)>, Option<Vec<u8>>, u16)>::arbitrary(&mut input)
    else {
        return;
    };
    // The request with these parameters (as sent, or as received with the signature).
    let request = |params| RestRequest {
        method: &method,
        path: &path,
        params,
        body: body.as_deref(),
    };
    let _ = verify_rest_request(KEY, SECRET, &request(&params), NOW);
    let unsigned: Vec<(String, String)> = params
        .iter()
        .filter(|(name, _)| !SIGNED.contains(&name.as_str()))
        .cloned()
        .collect();
    let timestamp = NOW - u64::from(skew % 600);
    let signed = sign_rest_request(KEY, SECRET, &request(&unsigned), timestamp);
    assert_eq!(
        verify_rest_request(KEY, SECRET, &request(&signed), NOW),
        Ok(()),
        "{method} {path} {unsigned:?}"
    );
    let wrong = sign_rest_request(KEY, "not-the-secret", &request(&unsigned), timestamp);
    assert!(verify_rest_request(KEY, SECRET, &request(&wrong), NOW).is_err());
}
