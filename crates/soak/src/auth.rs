//! Channel auth asked of the chat backend's endpoint (`POST /pusher/auth`), as the browser
//! client asks it.

use rusher_chat_api::routes;
use rusher_protocol::{AuthError, AuthRequest, AuthRequestId, ChannelAuth};

/// The core's answer to one auth request: each channel's auth or why it was refused.
pub type AuthAnswer = (AuthRequestId, Vec<(String, Result<ChannelAuth, AuthError>)>);

/// Posts the request's form to `{base}/pusher/auth` with `request_headers` (the visitor's
/// session) and reads the answer as the core does.
pub async fn ask_backend(
    http: &reqwest::Client,
    base: &str,
    request: &AuthRequest,
    request_headers: reqwest::header::HeaderMap,
) -> AuthAnswer {
    let answer = http
        .post(format!("{base}{}", routes::CHANNEL_AUTH))
        .headers(request_headers)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(request.form_body(&[]))
        .send()
        .await;
    let (status, body) = match answer {
        Ok(response) => {
            let status = response.status().as_u16();
            (status, response.text().await.unwrap_or_default())
        }
        Err(e) => (0, e.to_string()),
    };
    (request.id, request.parse_response(status, &body))
}
