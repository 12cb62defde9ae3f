//! The one way the backend reaches the realtime server: publishing an event on channels. Two
//! implementations: in-process (`rusher-server`'s hub, the embedded default) and
//! [`RestPublisher`], the signed REST API of any Pusher-compatible server.

use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use rusher_chat::Refusal;
use thiserror::Error;

use crate::rest_client::{RestClient, RestClientError, TriggerOptions};

/// How long a REST publish may take before the backend reports it failed: long enough for a
/// distant Pusher cluster, short enough that a visitor's send does not hang.
pub const PUBLISH_TIMEOUT: Duration = Duration::from_secs(5);

/// One event for one or more channels (a Pusher trigger takes up to 100 in one request).
#[derive(Debug, Clone, Copy)]
pub struct Publication<'a> {
    /// The channels.
    pub channels: &'a [String],
    /// The event name.
    pub event: &'a str,
    /// The data, as the JSON text subscribers receive.
    pub data: &'a str,
    /// A socket to leave out (the sender's own, which shows the message already).
    pub socket_id: Option<&'a str>,
}

/// Why an event did not reach the realtime server.
#[derive(Debug, Error)]
pub enum PublishError {
    /// No answer: the server is unreachable, or the connection failed.
    #[error("the realtime server could not be reached: {0}")]
    Unreachable(String),
    /// No answer within [`PUBLISH_TIMEOUT`].
    #[error("the realtime server did not answer in time")]
    TimedOut,
    /// The server answered with an error status (a wrong credential, a limit, a server error).
    #[error("the realtime server refused the event ({status}): {body}")]
    Refused {
        /// The HTTP status.
        status: u16,
        /// What it said.
        body: String,
    },
}

impl PublishError {
    /// How the refusal reads to the widget: a refusal the server would repeat (a 4xx but 429)
    /// is `publish-rejected`; anything else is worth a retry.
    pub fn refusal(&self) -> Refusal {
        match self {
            PublishError::Refused { status, .. }
                if (400..500).contains(status) && *status != 429 =>
            {
                Refusal::PublishRejected
            }
            PublishError::Unreachable(_)
            | PublishError::TimedOut
            | PublishError::Refused { .. } => Refusal::PublishFailed,
        }
    }
}

/// What publishing returns.
pub type PublishFuture<'a> = Pin<Box<dyn Future<Output = Result<(), PublishError>> + Send + 'a>>;

/// Publishes events to the realtime server.
pub trait Publisher: Debug + Send + Sync {
    /// Publishes one event on its channels.
    fn publish<'a>(&'a self, publication: Publication<'a>) -> PublishFuture<'a>;
}

/// Publishes through the signed REST API of a Pusher-compatible server (`POST /apps/{id}/events`).
#[derive(Debug, Clone)]
pub struct RestPublisher {
    client: RestClient,
}

impl RestPublisher {
    /// A publisher for the app behind `client`.
    pub fn new(client: RestClient) -> Self {
        Self { client }
    }
}

impl Publisher for RestPublisher {
    fn publish<'a>(&'a self, publication: Publication<'a>) -> PublishFuture<'a> {
        Box::pin(async move {
            let channels: Vec<&str> = publication.channels.iter().map(String::as_str).collect();
            let options = TriggerOptions {
                socket_id: publication.socket_id.map(str::to_owned),
                info: None,
            };
            let trigger =
                self.client
                    .trigger(&channels, publication.event, publication.data, &options);
            match tokio::time::timeout(PUBLISH_TIMEOUT, trigger).await {
                Err(_) => Err(PublishError::TimedOut),
                Ok(Ok(_)) => Ok(()),
                Ok(Err(RestClientError::Status { status, body })) => {
                    Err(PublishError::Refused { status, body })
                }
                Ok(Err(other)) => Err(PublishError::Unreachable(other.to_string())),
            }
        })
    }
}
