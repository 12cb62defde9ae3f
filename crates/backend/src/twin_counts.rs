//! The count of a full room where the realtime server sends no subscription counts (sockudo and
//! soketi send none; Pusher only when the app turns them on). A full room is read on its private
//! twin by everyone in it, and the widget counts the room by the twin's subscriptions. So the
//! backend counts for it: every [`COUNT_PERIOD`] it asks the server how many are on each twin its
//! auth endpoint signed lately, and publishes the number on the twin as an
//! [`ONLINE_EVENT`](rusher_chat_api::ONLINE_EVENT) when it changed or someone subscribed since.
//! The cost is one REST call per full room per period, however many read it; a twin nobody is
//! on any more is forgotten.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use futures_util::StreamExt;
use rusher_chat_api::{ONLINE_EVENT, OnlineCount};

use crate::BackendState;
use crate::publisher::{Publication, Publisher};

/// How often the twins are counted: as often as Pusher sends a large channel's subscription
/// count (at most every 5 s).
pub const COUNT_PERIOD: Duration = Duration::from_secs(5);

/// The most twins counted at once: each costs a REST call per period, and a site has a few big
/// rooms. Past it, a new twin is counted once another is forgotten.
pub const MAX_TWINS_COUNTED: usize = 256;

/// How many twins are counted at once: a round of [`MAX_TWINS_COUNTED`] REST calls one after
/// another could outlast [`COUNT_PERIOD`] on a slow link; at once, it would be a burst the
/// server's rate limit may refuse.
pub const COUNTS_AT_ONCE: usize = 16;

/// What is known of one twin.
#[derive(Debug, Default)]
struct Twin {
    /// The count last published.
    published: Option<u64>,
    /// Someone subscribed since: the count goes out even if unchanged, for them.
    joined: bool,
}

/// The twins being counted.
#[derive(Debug, Default)]
pub struct TwinCounts {
    twins: Mutex<HashMap<String, Twin>>,
}

impl TwinCounts {
    /// Nothing counted yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Someone is being signed for `twin`: count it, and tell them its count at the next period.
    pub fn joined(&self, twin: &str) {
        let mut twins = self.twins.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(known) = twins.get_mut(twin) {
            known.joined = true;
        } else if twins.len() < MAX_TWINS_COUNTED {
            let known = Twin {
                published: None,
                joined: true,
            };
            twins.insert(twin.to_owned(), known);
        }
    }

    /// Counts every twin once and publishes what subscribers need; forgets the twins nobody is
    /// on. A count that fails is tried at the next period.
    pub async fn count_once(&self, publisher: &dyn Publisher) {
        let names: Vec<String> = {
            let twins = self.twins.lock().unwrap_or_else(|p| p.into_inner());
            twins.keys().cloned().collect()
        };
        futures_util::stream::iter(names)
            .for_each_concurrent(COUNTS_AT_ONCE, |name| self.count_twin(publisher, name))
            .await;
    }

    /// Counts one twin, and publishes its count if [`should_publish`](Self::should_publish).
    async fn count_twin(&self, publisher: &dyn Publisher, name: String) {
        let Ok(count) = publisher.count(&name).await else {
            return;
        };
        if !self.should_publish(&name, count) {
            return;
        }
        let data = serde_json::to_string(&OnlineCount { online: count }).unwrap_or_default();
        let channels = [name];
        let publication = Publication {
            channels: &channels,
            event: ONLINE_EVENT,
            data: &data,
            socket_id: None,
        };
        if let Err(e) = publisher.publish(publication).await {
            tracing::warn!("publishing the count of {}: {e}", channels[0]);
        }
    }

    /// Whether `count` goes out on `name`, recording it as published if so; a twin with nobody
    /// on it is forgotten.
    fn should_publish(&self, name: &str, count: u64) -> bool {
        let mut twins = self.twins.lock().unwrap_or_else(|p| p.into_inner());
        if count == 0 {
            twins.remove(name);
            return false;
        }
        let Some(twin) = twins.get_mut(name) else {
            return false;
        };
        let publish = twin.joined || twin.published != Some(count);
        if publish {
            *twin = Twin {
                published: Some(count),
                joined: false,
            };
        }
        publish
    }
}

/// Counts the backend's twins every [`COUNT_PERIOD`], for as long as the process runs.
pub async fn count_forever(backend: BackendState) {
    let Some(counts) = backend.twin_counts.as_ref() else {
        return;
    };
    let mut period = tokio::time::interval(COUNT_PERIOD);
    period.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        period.tick().await;
        counts.count_once(backend.publisher.as_ref()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::publisher::{CountFuture, MembersFuture, PublishFuture};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A realtime server whose channels hold the counts set, recording what is published and
    /// how many counts were asked for at once.
    #[derive(Debug, Default)]
    struct Server {
        counts: Mutex<HashMap<String, u64>>,
        published: Mutex<Vec<(String, String)>>,
        counting: AtomicUsize,
        most_counting: AtomicUsize,
    }

    impl Server {
        fn set(&self, channel: &str, count: u64) {
            self.counts.lock().unwrap().insert(channel.into(), count);
        }

        fn take(&self) -> Vec<(String, String)> {
            std::mem::take(&mut self.published.lock().unwrap())
        }
    }

    impl Publisher for Server {
        fn publish<'a>(&'a self, publication: Publication<'a>) -> PublishFuture<'a> {
            assert_eq!(publication.event, ONLINE_EVENT);
            for channel in publication.channels {
                let sent = (channel.clone(), publication.data.to_owned());
                self.published.lock().unwrap().push(sent);
            }
            Box::pin(async { Ok(()) })
        }

        fn count<'a>(&'a self, channel: &'a str) -> CountFuture<'a> {
            let count = self.counts.lock().unwrap().get(channel).copied();
            Box::pin(async move {
                let now = self.counting.fetch_add(1, Ordering::SeqCst) + 1;
                self.most_counting.fetch_max(now, Ordering::SeqCst);
                // The answer takes a while: the others asked meanwhile are in flight too.
                tokio::task::yield_now().await;
                self.counting.fetch_sub(1, Ordering::SeqCst);
                Ok(count.unwrap_or(0))
            })
        }

        fn members<'a>(&'a self, _: &'a str) -> MembersFuture<'a> {
            Box::pin(async { Ok(Arc::new(Vec::new())) })
        }
    }

    fn online(twin: &str, count: u64) -> (String, String) {
        (twin.into(), format!(r#"{{"online":{count}}}"#))
    }

    #[tokio::test]
    async fn a_twin_is_counted_when_it_changes_or_someone_joins_and_forgotten_when_empty() {
        let server = Server::default();
        let counts = TwinCounts::new();
        counts.count_once(&server).await;
        assert_eq!(server.take(), [], "nothing to count yet");

        counts.joined("private-lobby");
        server.set("private-lobby", 101);
        counts.count_once(&server).await;
        assert_eq!(server.take(), [online("private-lobby", 101)]);
        counts.count_once(&server).await;
        assert_eq!(server.take(), [], "unchanged: nothing goes out");

        server.set("private-lobby", 102);
        counts.count_once(&server).await;
        assert_eq!(server.take(), [online("private-lobby", 102)], "changed");

        counts.joined("private-lobby");
        counts.count_once(&server).await;
        assert_eq!(
            server.take(),
            [online("private-lobby", 102)],
            "unchanged, but someone new needs it"
        );

        server.set("private-lobby", 0);
        counts.count_once(&server).await;
        server.set("private-lobby", 5);
        counts.count_once(&server).await;
        assert_eq!(server.take(), [], "forgotten once empty");
    }

    #[tokio::test]
    async fn at_most_the_cap_of_twins_are_counted_a_few_at_a_time() {
        let server = Server::default();
        let counts = TwinCounts::new();
        for n in 0..=MAX_TWINS_COUNTED {
            let twin = format!("private-room-{n}");
            server.set(&twin, 1);
            counts.joined(&twin);
        }
        counts.count_once(&server).await;
        let published = server.take();
        assert_eq!(published.len(), MAX_TWINS_COUNTED);
        let past_cap = format!("private-room-{MAX_TWINS_COUNTED}");
        assert!(!published.iter().any(|(twin, _)| *twin == past_cap));
        assert_eq!(
            server.most_counting.load(Ordering::SeqCst),
            COUNTS_AT_ONCE,
            "the counts are asked for together, but no more than COUNTS_AT_ONCE"
        );
    }
}
