//! A client for the Pusher REST API that works against this server, Pusher and sockudo alike:
//! triggers (single, batched, and encrypted for `private-encrypted-` channels), channel queries,
//! presence users and terminating a user's connections. Every request is signed.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use reqwest::Method;
use rusher_protocol::sign::{self, RestRequest, sign_rest_request};
use rusher_protocol::{Access, ChannelKind};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use thiserror::Error;

/// Why a REST call failed.
#[derive(Debug, Error)]
pub enum RestClientError {
    /// The request did not complete (connection, TLS, timeout).
    #[error("request failed: {0}")]
    Http(#[from] reqwest::Error),
    /// The server answered with an error status.
    #[error("server answered {status}: {body}")]
    Status {
        /// The HTTP status.
        status: u16,
        /// The body, usually a message.
        body: String,
    },
    /// The answer was not the JSON expected.
    #[error("unexpected answer: {0}")]
    Answer(String),
    /// Encrypting needs the master key, and a trigger may name only one encrypted channel.
    #[error("cannot encrypt: {0}")]
    Encryption(&'static str),
}

/// Attributes of a channel, as `info` asks for them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelAttributes {
    /// Distinct presence users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_count: Option<u64>,
    /// Subscribed connections.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_count: Option<u64>,
}

/// One channel's state from `GET /channels/{name}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelState {
    /// Whether anyone is subscribed.
    pub occupied: bool,
    /// Distinct presence users, when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_count: Option<u64>,
    /// Subscribed connections, when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_count: Option<u64>,
}

/// One event of a batch trigger.
#[derive(Debug, Clone, Serialize)]
pub struct BatchEvent {
    /// The channel.
    pub channel: String,
    /// The event name.
    pub name: String,
    /// The payload (a string, usually JSON).
    pub data: String,
    /// A socket to leave out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub socket_id: Option<String>,
    /// `subscription_count`, `user_count` or both, comma-separated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub info: Option<String>,
}

/// Options of a trigger.
#[derive(Debug, Clone, Default)]
pub struct TriggerOptions {
    /// A socket to leave out (the sender's own).
    pub socket_id: Option<String>,
    /// `subscription_count`, `user_count` or both, comma-separated.
    pub info: Option<String>,
}

/// A signed REST client for one app.
#[derive(Debug, Clone)]
pub struct RestClient {
    http: reqwest::Client,
    base: String,
    app_id: String,
    key: String,
    secret: String,
    master_key: Option<[u8; 32]>,
}

impl RestClient {
    /// A client for the app at `base` (`http://127.0.0.1:8080`, `https://api-eu.pusher.com`).
    pub fn new(base: &str, app_id: &str, key: &str, secret: &str) -> Self {
        Self {
            http: reqwest::Client::new(),
            base: base.trim_end_matches('/').to_owned(),
            app_id: app_id.to_owned(),
            key: key.to_owned(),
            secret: secret.to_owned(),
            master_key: None,
        }
    }

    /// Sets the master key that triggers on `private-encrypted-` channels encrypt with.
    pub fn with_master_key(mut self, master_key: [u8; 32]) -> Self {
        self.master_key = Some(master_key);
        self
    }

    /// Triggers an event on channels; on an encrypted channel (which must be the only one) the
    /// data is encrypted with a fresh random nonce. Returns the channel attributes asked for.
    pub async fn trigger(
        &self,
        channels: &[&str],
        event: &str,
        data: &str,
        options: &TriggerOptions,
    ) -> Result<BTreeMap<String, ChannelAttributes>, RestClientError> {
        let data = self.encrypt_if_needed(channels, data)?;
        let mut body = json!({ "name": event, "channels": channels, "data": data });
        if let Some(socket_id) = &options.socket_id {
            body["socket_id"] = json!(socket_id);
        }
        if let Some(info) = &options.info {
            body["info"] = json!(info);
        }
        let answer = self
            .request(Method::POST, "events", &[], Some(body))
            .await?;
        match answer.get("channels") {
            Some(channels) => parse(channels.clone()),
            None => Ok(BTreeMap::new()),
        }
    }

    /// Triggers up to 10 events in one request; returns each event's channel attributes.
    pub async fn trigger_batch(
        &self,
        events: &[BatchEvent],
    ) -> Result<Vec<ChannelAttributes>, RestClientError> {
        let mut events = events.to_vec();
        for event in &mut events {
            event.data = self.encrypt_if_needed(&[&event.channel], &event.data)?;
        }
        let answer = self
            .request(
                Method::POST,
                "batch_events",
                &[],
                Some(json!({ "batch": events })),
            )
            .await?;
        parse(answer.get("batch").cloned().unwrap_or_else(|| json!([])))
    }

    /// Occupied channels, optionally filtered by prefix, with the attributes `info` asks for.
    pub async fn channels(
        &self,
        prefix: Option<&str>,
        info: Option<&str>,
    ) -> Result<BTreeMap<String, ChannelAttributes>, RestClientError> {
        let mut params = Vec::new();
        if let Some(prefix) = prefix {
            params.push(("filter_by_prefix".to_owned(), prefix.to_owned()));
        }
        if let Some(info) = info {
            params.push(("info".to_owned(), info.to_owned()));
        }
        let answer = self.request(Method::GET, "channels", &params, None).await?;
        parse(answer.get("channels").cloned().unwrap_or_else(|| json!({})))
    }

    /// One channel's state.
    pub async fn channel(
        &self,
        name: &str,
        info: Option<&str>,
    ) -> Result<ChannelState, RestClientError> {
        let params: Vec<(String, String)> = info
            .map(|i| ("info".to_owned(), i.to_owned()))
            .into_iter()
            .collect();
        let path = format!("channels/{name}");
        parse(self.request(Method::GET, &path, &params, None).await?)
    }

    /// A presence channel's user ids.
    pub async fn users(&self, channel: &str) -> Result<Vec<String>, RestClientError> {
        #[derive(Deserialize)]
        struct User {
            id: String,
        }
        let path = format!("channels/{channel}/users");
        let answer = self.request(Method::GET, &path, &[], None).await?;
        let users: Vec<User> = parse(answer.get("users").cloned().unwrap_or_else(|| json!([])))?;
        Ok(users.into_iter().map(|u| u.id).collect())
    }

    /// Closes every connection of a signed-in user.
    pub async fn terminate_user_connections(&self, user_id: &str) -> Result<(), RestClientError> {
        let path = format!("users/{user_id}/terminate_connections");
        self.request(Method::POST, &path, &[], Some(json!({})))
            .await
            .map(|_| ())
    }

    fn encrypt_if_needed(&self, channels: &[&str], data: &str) -> Result<String, RestClientError> {
        let encrypted: Vec<&&str> = channels
            .iter()
            .filter(|c| ChannelKind::of(c).access == Access::Encrypted)
            .collect();
        let Some(channel) = encrypted.first() else {
            return Ok(data.to_owned());
        };
        if channels.len() > 1 {
            return Err(RestClientError::Encryption(
                "a trigger on an encrypted channel may name only that channel",
            ));
        }
        let master_key = self
            .master_key
            .ok_or(RestClientError::Encryption("no master key configured"))?;
        let mut nonce = [0u8; 24];
        getrandom::fill(&mut nonce)
            .map_err(|_| RestClientError::Encryption("no random numbers for a nonce"))?;
        let secret = sign::shared_secret(&master_key, channel);
        Ok(secret.encrypt(&nonce, data.as_bytes()).to_string())
    }

    async fn request(
        &self,
        method: Method,
        endpoint: &str,
        params: &[(String, String)],
        body: Option<Value>,
    ) -> Result<Value, RestClientError> {
        let path = format!("/apps/{}/{endpoint}", self.app_id);
        let body = body.map(|b| b.to_string());
        let timestamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let query = sign_rest_request(
            &self.key,
            &self.secret,
            &RestRequest {
                method: method.as_str(),
                path: &path,
                params,
                body: body.as_deref().map(str::as_bytes),
            },
            timestamp,
        );
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .query(&query);
        if let Some(body) = body {
            request = request
                .header("content-type", "application/json")
                .body(body);
        }
        let response = request.send().await?;
        let status = response.status();
        let text = response.text().await?;
        if !status.is_success() {
            return Err(RestClientError::Status {
                status: status.as_u16(),
                body: text,
            });
        }
        let answer: Value =
            serde_json::from_str(&text).map_err(|e| RestClientError::Answer(e.to_string()))?;
        // soketi answers some refusals with 200 and `{"error": …}`.
        if answer.get("error").is_some() {
            return Err(RestClientError::Status {
                status: status.as_u16(),
                body: text,
            });
        }
        Ok(answer)
    }
}

fn parse<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, RestClientError> {
    serde_json::from_value(value).map_err(|e| RestClientError::Answer(e.to_string()))
}
