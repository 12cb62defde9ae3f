//! Auth endpoint answers, single and batched: any status and body gives one result per requested
//! channel (never a panic, never a channel left out), and a user auth answer reads or is refused.

use arbitrary::{Arbitrary, Unstructured};
use rusher_protocol::{AuthRequest, AuthRequestId, UserAuthRequest};

/// Runs one input: a status, whether batched, how many channels, then the body.
pub fn run(data: &[u8]) {
    let mut input = Unstructured::new(data);
    let (Ok(status), Ok(batched), Ok(count)) = (
        u16::arbitrary(&mut input),
        bool::arbitrary(&mut input),
        u8::arbitrary(&mut input),
    ) else {
        return;
    };
    let Ok(body) = std::str::from_utf8(input.take_rest()) else {
        return;
    };
    let channels: Vec<String> = (0..count % 8)
        .map(|i| {
            ["private-a", "presence-b", "private-encrypted-c"][usize::from(i % 3)].to_owned()
                + &i.to_string()
        })
        .collect();
    let request = AuthRequest {
        id: AuthRequestId(1),
        socket_id: "1.1".into(),
        channels: channels.clone(),
        batched,
    };
    let results = request.parse_response(status, body);
    let answered: Vec<String> = results.into_iter().map(|(channel, _)| channel).collect();
    assert_eq!(answered, channels, "one result per channel, in order");
    let user = UserAuthRequest {
        id: AuthRequestId(2),
        socket_id: "1.1".into(),
    };
    if let Ok(auth) = user.parse_response(status, body) {
        assert_eq!(status, 200);
        let _ = auth.user_data;
    }
}
