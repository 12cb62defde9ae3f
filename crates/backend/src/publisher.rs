//! The one way the backend reaches the realtime server: publishing an event on channels, and
//! asking how many are on a channel and who is on a presence channel. Two implementations: in-process (`rusher-server`'s hub, the
//! embedded default) and [`RestPublisher`], the signed REST API of any Pusher-compatible server.

use std::collections::HashMap;
use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rusher_chat_api::Refusal;
use rusher_protocol::{Access, ChannelKind};
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

/// Why the realtime server did not take an event or answer a question.
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

/// What counting returns.
pub type CountFuture<'a> = Pin<Box<dyn Future<Output = Result<u64, PublishError>> + Send + 'a>>;

/// What listing a presence channel's users returns: their ids.
pub type MembersFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Arc<Vec<String>>, PublishError>> + Send + 'a>>;

/// Publishes events to the realtime server, and asks it how many are on a channel.
pub trait Publisher: Debug + Send + Sync {
    /// Publishes one event on its channels.
    fn publish<'a>(&'a self, publication: Publication<'a>) -> PublishFuture<'a>;

    /// How many are on a channel: the distinct users of a presence channel, the subscriptions of
    /// any other.
    fn count<'a>(&'a self, channel: &'a str) -> CountFuture<'a>;

    /// The ids of the users on a presence channel (the whole cluster's).
    fn members<'a>(&'a self, channel: &'a str) -> MembersFuture<'a>;
}

/// How long a room's member list, once asked of the realtime server, answers every widget that
/// asks: when a cluster node restarts, every visitor it had checks the lobby's list within a few
/// seconds, and each REST call asks every node of the cluster.
pub const MEMBERS_FRESH: Duration = Duration::from_secs(1);

/// The most rooms whose member lists are kept ([`MEMBERS_FRESH`]); past it, the stale ones go,
/// then all (the lobby is asked again a second later).
pub const MAX_ROOMS_KEPT: usize = 256;

/// Publishes through the signed REST API of a Pusher-compatible server (`POST /apps/{id}/events`).
#[derive(Debug, Clone)]
pub struct RestPublisher {
    client: RestClient,
    /// Each room's member list and when it was asked ([`MEMBERS_FRESH`]).
    members: Arc<Mutex<KeptMembers>>,
}

/// Member lists by room, each with when it was asked.
type KeptMembers = HashMap<String, (Instant, Arc<Vec<String>>)>;

impl RestPublisher {
    /// A publisher for the app behind `client`.
    pub fn new(client: RestClient) -> Self {
        Self {
            client,
            members: Arc::default(),
        }
    }

    /// The member list of `channel` asked within [`MEMBERS_FRESH`], if there is one.
    fn fresh_members(&self, channel: &str) -> Option<Arc<Vec<String>>> {
        let kept = self.members.lock().ok()?;
        let (asked, ids) = kept.get(channel)?;
        (asked.elapsed() < MEMBERS_FRESH).then(|| ids.clone())
    }

    fn keep_members(&self, channel: &str, ids: Arc<Vec<String>>) {
        let Ok(mut kept) = self.members.lock() else {
            return;
        };
        if kept.len() >= MAX_ROOMS_KEPT {
            kept.retain(|_, (asked, _)| asked.elapsed() < MEMBERS_FRESH);
            if kept.len() >= MAX_ROOMS_KEPT {
                kept.clear();
            }
        }
        kept.insert(channel.to_owned(), (Instant::now(), ids));
    }
}

/// A REST call's answer within [`PUBLISH_TIMEOUT`], its failure as a [`PublishError`].
async fn within_timeout<T>(
    call: impl Future<Output = Result<T, RestClientError>>,
) -> Result<T, PublishError> {
    match tokio::time::timeout(PUBLISH_TIMEOUT, call).await {
        Err(_) => Err(PublishError::TimedOut),
        Ok(Ok(answer)) => Ok(answer),
        Ok(Err(RestClientError::Status { status, body })) => {
            Err(PublishError::Refused { status, body })
        }
        Ok(Err(other)) => Err(PublishError::Unreachable(other.to_string())),
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
            within_timeout(trigger).await.map(|_| ())
        })
    }

    fn count<'a>(&'a self, channel: &'a str) -> CountFuture<'a> {
        Box::pin(async move {
            let presence = ChannelKind::of(channel).access == Access::Presence;
            let info = if presence {
                "user_count"
            } else {
                "subscription_count"
            };
            let state = within_timeout(self.client.channel(channel, Some(info))).await?;
            let count = if presence {
                state.user_count
            } else {
                state.subscription_count
            };
            Ok(count.unwrap_or(0))
        })
    }

    fn members<'a>(&'a self, channel: &'a str) -> MembersFuture<'a> {
        Box::pin(async move {
            if let Some(ids) = self.fresh_members(channel) {
                return Ok(ids);
            }
            let ids = Arc::new(within_timeout(self.client.users(channel)).await?);
            self.keep_members(channel, ids.clone());
            Ok(ids)
        })
    }
}
