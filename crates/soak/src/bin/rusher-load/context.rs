//! What every task of a load run shares ([`Context`]): where the load goes, the visitors in the
//! chat, the ledger of what happened, and the run's clock.

use std::sync::atomic::{AtomicU64, AtomicUsize};

use rusher_chat_api::{DEFAULT_ROOM, overflow_twin};

use crate::ledger::{Ledger, Micros, micros};
use crate::live::Live;
use crate::{Args, REQUEST_TIMEOUT};

/// Where the load goes.
#[derive(Clone)]
pub enum Target {
    /// Through the chat backend, at one of `bases` (a replica per node).
    Chat { bases: Vec<String> },
    /// Straight to a Pusher server's REST API.
    Raw {
        rest_base: String,
        app_id: String,
        secret: String,
    },
}

/// How one visitor authorizes and publishes.
pub enum Via<'a> {
    /// Through the chat backend at this base URL.
    Backend(&'a str),
    /// With the app's REST API and secret.
    Rest {
        base: &'a str,
        app_id: &'a str,
        secret: &'a str,
    },
}

/// What every task of the run shares.
pub struct Context {
    pub(crate) target: Target,
    pub(crate) key: String,
    /// The sockets' hosts and ports (one per node).
    pub(crate) sockets: Vec<(String, u16)>,
    pub(crate) lobby: String,
    pub(crate) twin: String,
    pub(crate) http: reqwest::Client,
    pub(crate) ledger: Ledger,
    pub(crate) live: Live,
    /// Visitors signing in or joining now.
    pub(crate) joining: AtomicUsize,
    /// The next message's number.
    pub(crate) seq: AtomicU64,
    /// Messages not sent because too many were waiting for answers.
    pub(crate) held_back: AtomicU64,
    pub(crate) start: std::time::Instant,
}

impl Context {
    /// Nothing run yet, for the target of `args`.
    pub(crate) fn new(args: &Args) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Context {
            target: args.target.clone(),
            key: args.key.clone(),
            sockets: args.sockets.clone(),
            // The lobby is the widget's default room; its private twin carries it past its
            // member limit.
            lobby: DEFAULT_ROOM.to_owned(),
            twin: overflow_twin(DEFAULT_ROOM).ok_or("the default room has no private twin")?,
            http,
            ledger: Ledger::default(),
            live: Live::default(),
            joining: AtomicUsize::new(0),
            seq: AtomicU64::new(0),
            held_back: AtomicU64::new(0),
            start: std::time::Instant::now(),
        })
    }

    /// Microseconds since the run started.
    pub(crate) fn now(&self) -> Micros {
        micros(self.start.elapsed())
    }

    /// Where visitor `id` connects (node `id` mod the nodes).
    pub(crate) fn sockets_of(&self, id: u32) -> (&str, u16) {
        let node = self.sockets.get(id as usize % self.sockets.len().max(1));
        node.map_or(("127.0.0.1", 0), |(host, port)| (host.as_str(), *port))
    }

    /// How visitor `id` authorizes and publishes: through the chat backend beside its node, or
    /// with the app's secret.
    pub(crate) fn via(&self, id: u32) -> Via<'_> {
        match &self.target {
            Target::Chat { bases } => {
                let base = bases.get(id as usize % bases.len().max(1));
                Via::Backend(base.map_or("", String::as_str))
            }
            Target::Raw {
                rest_base,
                app_id,
                secret,
            } => Via::Rest {
                base: rest_base,
                app_id,
                secret,
            },
        }
    }

    /// The protocol core's clock (milliseconds since the run started).
    pub(crate) fn instant(&self) -> rusher_protocol::Instant {
        rusher_protocol::Instant::from_millis(self.now() / 1000)
    }
}
