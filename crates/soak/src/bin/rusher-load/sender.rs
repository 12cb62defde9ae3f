//! The messages of the load: every visitor says something in its small room now and then, and
//! the lobby gets a steady rate from whoever is in it. With the chat backend a message is
//! `POST /chat/messages` as its sender; without it, the app's REST trigger, as an app's server
//! publishes. Its text is its sequence number, by which the ledger knows it on arrival.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusher_chat_api::routes;
use rusher_protocol::sign::{self, RestRequest};
use tokio::sync::{Semaphore, watch};

use crate::ledger::{Outcome, Record};
use crate::live::Sender;
use crate::plan::{LOBBY_MESSAGES_PER_SECOND, Room, SMALL_ROOM_SEND_EVERY};
use crate::visitor::{RAW_EVENT, request_headers};
use crate::{Context, Via};

/// How often the sender decides which messages are due.
const TICK: Duration = Duration::from_millis(100);
/// Messages waiting for the server's answer at most: past it, a due message is not sent (and
/// counted as held back), so that a server that stops answering meets a bounded crowd.
const MAX_IN_FLIGHT: usize = 2_000;

/// Sends until `stop`.
pub async fn run(context: Arc<Context>, mut stop: watch::Receiver<bool>) {
    let in_flight = Arc::new(Semaphore::new(MAX_IN_FLIGHT));
    let mut small_due = 0.0;
    let mut lobby_due = 0.0;
    let mut ticks = tokio::time::interval(TICK);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            _ = stop.changed() => return,
        }
        let tick = TICK.as_secs_f64();
        small_due += context.live.len() as f64 * tick / SMALL_ROOM_SEND_EVERY.as_secs_f64();
        lobby_due += LOBBY_MESSAGES_PER_SECOND * tick;
        let mut due: Vec<bool> = Vec::new();
        while small_due >= 1.0 {
            small_due -= 1.0;
            due.push(false);
        }
        while lobby_due >= 1.0 {
            lobby_due -= 1.0;
            due.push(true);
        }
        for to_lobby in due {
            let Some(sender) = context.live.sender(fastrand::usize(..)) else {
                continue;
            };
            let Ok(permit) = in_flight.clone().try_acquire_owned() else {
                context.held_back.fetch_add(1, Ordering::Relaxed);
                continue;
            };
            let room = if to_lobby { Room::LOBBY } else { sender.room };
            let context = context.clone();
            tokio::spawn(async move {
                send(&context, &sender, room).await;
                drop(permit);
            });
        }
    }
}

/// The request that sends message `seq` to `channel` (`room`) as `sender`: to the chat backend,
/// or to the realtime server's REST API, signed, on the lobby's twin too.
fn request(
    context: &Context,
    sender: &Sender,
    room: Room,
    seq: u64,
    channel: String,
) -> reqwest::RequestBuilder {
    match context.via(sender.id) {
        Via::Backend(base) => context
            .http
            .post(format!("{base}{}", routes::MESSAGES))
            .headers(request_headers(sender.id, sender.session.as_ref()))
            .json(&serde_json::json!({
                "channel": channel, "text": seq.to_string(), "client_id": format!("load-{seq}"),
            })),
        Via::Rest {
            base,
            app_id,
            secret,
        } => {
            let mut channels = vec![channel];
            if room == Room::LOBBY {
                channels.push(context.twin.clone());
            }
            let body = serde_json::json!({
                "name": RAW_EVENT, "channels": channels, "data": seq.to_string(),
            })
            .to_string();
            let path = format!("/apps/{app_id}/events");
            let signed = sign::sign_rest_request(
                &context.key,
                secret,
                &RestRequest {
                    method: "POST",
                    path: &path,
                    params: &[],
                    body: Some(body.as_bytes()),
                },
                SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs()),
            );
            context
                .http
                .post(format!("{base}{path}"))
                .query(&signed)
                .header("content-type", "application/json")
                .body(body)
        }
    }
}

/// Sends one message to `room` as `sender` and writes down how the server answered.
async fn send(context: &Context, sender: &Sender, room: Room) {
    let seq = context.seq.fetch_add(1, Ordering::Relaxed);
    let channel = room.channel(&context.lobby);
    context.ledger.record(Record::Sent {
        seq,
        room,
        at: context.now(),
    });
    let request = request(context, sender, room, seq, channel);
    let outcome = match request.send().await {
        Ok(response) if response.status().is_success() => Outcome::Stored,
        Ok(response) => Outcome::Refused(response.status().as_u16()),
        Err(_) => Outcome::TimedOut,
    };
    context.ledger.record(Record::Answered {
        seq,
        outcome,
        at: context.now(),
    });
}
