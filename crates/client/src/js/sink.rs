//! The JavaScript object the exports report to (written in `www/npm/pusher.js`): every event of
//! the core as `(kind, channel, name, data)`, with the data as JSON text for the engine's own
//! `JSON.parse` (or, for an event straight from a frame read in JavaScript, that frame), and the
//! auth requests that JavaScript answers. [`Kind`] is exported, and `pusher.js` reads it by name.

use alloc::string::String;

use rusher_protocol::json::{ObjectWriter, Payload, string_array};
use rusher_protocol::pusher_events::{
    CACHE_MISS, ERROR, MEMBER_ADDED, MEMBER_REMOVED, SIGNIN_ERROR, SIGNIN_SUCCESS,
    SUBSCRIPTION_COUNT, SUBSCRIPTION_ERROR, SUBSCRIPTION_SUCCEEDED,
};
use rusher_protocol::text::decimal;
use rusher_protocol::{Error, Event, Member, is_server_to_user};
use wasm_bindgen::prelude::*;

use crate::kept_frames::KeptFrames;

#[wasm_bindgen]
extern "C" {
    /// The JavaScript side of one client.
    pub type Sink;

    /// One event: see [`Kind`] for what `channel` and `name` mean.
    #[wasm_bindgen(method)]
    fn event(
        this: &Sink,
        kind: Kind,
        channel: Option<&str>,
        name: &str,
        data: Option<&str>,
        user_id: Option<&str>,
    );

    /// A member came (`added`) or went (`name` is the event's): its id, and its info as JSON
    /// text, read in JavaScript only when its copy of the channel's members does not hold it.
    #[wasm_bindgen(method)]
    fn member(this: &Sink, channel: &str, name: &JsValue, added: bool, id: &str, info: &str);

    /// An event as a frame read in JavaScript has it: its `event`, `channel`, `user_id` and its
    /// string `data`, which JavaScript decodes like pusher-js does (the JSON it holds, else the
    /// string itself).
    #[wasm_bindgen(method)]
    fn framed(this: &Sink, kind: Kind, frame: &JsValue);

    /// The auth endpoint's headers and params as they are now (`section` is
    /// `channelAuthorization` or `userAuthentication`), once its providers (which may answer
    /// with a promise) have answered: `done('{"headers": {..}, "params": {..}}')`.
    #[wasm_bindgen(method)]
    pub fn extras(this: &Sink, section: &str, done: &JsValue);

    /// Calls `channelAuthorization.customHandler`, then `done(json)`, or `done(undefined, why)`.
    #[wasm_bindgen(method)]
    pub fn authorize(this: &Sink, socket_id: &str, channel: &str, done: &JsValue);

    /// Calls `userAuthentication.customHandler`, then `done(json)`, or `done(undefined, why)`.
    #[wasm_bindgen(method)]
    pub fn signin(this: &Sink, socket_id: &str, done: &JsValue);
}

/// What an event is for, which decides whose callbacks it goes to.
#[wasm_bindgen]
#[derive(Clone, Copy)]
pub enum Kind {
    /// An event from the server or another client on a channel, or on none: `channel` (if any),
    /// event name, data, and the sender's `user_id`.
    Message = 0,
    /// A server-to-user event (on the signed-in user's `#server-to-user-…` channel): event name
    /// and data.
    UserMessage = 1,
    /// One of pusher-js's `pusher:…` events on a channel (but the member events: see the
    /// sink's `member`).
    Channel = 2,
    /// A state change: `channel` is the previous state, `name` the current.
    State = 3,
    /// A connection event (`connecting_in`, `error`) with data.
    Connection = 4,
    /// An event only the client's global callbacks get (`pusher:error`, sign-in results).
    Global = 5,
    /// A watchlist event: `online` or `offline` with `{name, user_ids}`.
    Watchlist = 6,
}

/// What [`Sink::report`] hands over besides the event: the frames the driver keeps, and the
/// names of the member events, made into JavaScript strings once (a presence channel's busiest
/// events; a name from wasm memory is made afresh each time).
pub struct Reporting {
    frames: KeptFrames,
    member_added: JsValue,
    member_removed: JsValue,
}

impl Reporting {
    /// For the events of a driver that keeps `frames`.
    pub fn new(frames: KeptFrames) -> Self {
        Self {
            frames,
            member_added: JsValue::from_str(MEMBER_ADDED),
            member_removed: JsValue::from_str(MEMBER_REMOVED),
        }
    }
}

impl Sink {
    fn emit(&self, kind: Kind, channel: Option<&str>, name: &str, data: Option<&str>) {
        self.event(kind, channel, name, data, None);
    }

    /// Reports one of the core's events. Over 60 lines: one arm per event, which the compiler
    /// holds complete.
    pub fn report(&self, event: &Event, reporting: &Reporting) {
        match event {
            Event::StateChange { previous, current } => {
                self.emit(Kind::State, Some(previous.as_str()), current.as_str(), None);
            }
            Event::ConnectingIn(delay) => {
                // Rounded to whole seconds, as pusher-js does.
                let seconds = decimal(rusher_protocol::millis(*delay).saturating_add(500) / 1000);
                self.emit(Kind::Connection, None, "connecting_in", Some(&seconds));
            }
            Event::Error(error) => {
                self.emit(Kind::Connection, None, "error", Some(&error_data(error)));
                if let Error::Server { code, message } = error {
                    let data = code_and_message(*code, message);
                    self.emit(Kind::Global, None, ERROR, Some(&data));
                }
            }
            Event::Message {
                channel,
                event: name,
                data,
                user_id,
            } => {
                let channel = channel.as_deref();
                let kind = if channel.is_some_and(is_server_to_user) {
                    Kind::UserMessage
                } else {
                    Kind::Message
                };
                let user_id = user_id.as_deref();
                match data {
                    Payload::Kept(id) => match reporting.frames.get(*id) {
                        Some(frame) => self.framed(kind, &frame),
                        // Not reachable: the driver keeps a frame until its events are out.
                        None => self.event(kind, channel, name, None, user_id),
                    },
                    Payload::Literal(_) => {
                        let data = data.decode();
                        self.event(kind, channel, name, Some(data.as_str()), user_id);
                    }
                    Payload::Json(json) => {
                        self.event(kind, channel, name, Some(json.as_str()), user_id);
                    }
                    Payload::Absent => self.event(kind, channel, name, None, user_id),
                }
            }
            Event::SubscriptionSucceeded { channel } => {
                self.channel(channel, SUBSCRIPTION_SUCCEEDED, Some("{}"));
            }
            Event::SubscriptionError { channel, error } => {
                self.channel(channel, SUBSCRIPTION_ERROR, Some(&error.to_json()));
            }
            Event::SubscriptionCount { channel, count } => {
                let data = ObjectWriter::new()
                    .number("subscription_count", *count)
                    .finish();
                self.channel(channel, SUBSCRIPTION_COUNT, Some(&data));
            }
            Event::CacheMiss { channel } => self.channel(channel, CACHE_MISS, None),
            Event::MemberAdded { channel, member } => {
                let (name, info) = (&reporting.member_added, member.info.as_str());
                self.member(channel, name, true, &member.id, info);
            }
            Event::MemberRemoved { channel, member } => {
                let (name, info) = (&reporting.member_removed, member.info.as_str());
                self.member(channel, name, false, &member.id, info);
            }
            Event::SignedIn { user_data, .. } => {
                let data = ObjectWriter::new()
                    .string("user_data", user_data.as_str())
                    .finish();
                self.emit(Kind::Global, None, SIGNIN_SUCCESS, Some(&data));
            }
            Event::SigninError(error) => {
                self.emit(Kind::Global, None, SIGNIN_ERROR, Some(&error.to_json()));
            }
            Event::Watchlist { kind, user_ids } => {
                let name = kind.as_str();
                let data = ObjectWriter::new()
                    .string("name", name)
                    .raw("user_ids", &string_array(user_ids))
                    .finish();
                self.emit(Kind::Watchlist, None, name, Some(&data));
            }
        }
    }

    fn channel(&self, channel: &str, name: &str, data: Option<&str>) {
        self.emit(Kind::Channel, Some(channel), name, data);
    }
}

/// `{id, info}`, as pusher-js gives a member.
pub fn member(member: &Member) -> String {
    ObjectWriter::new()
        .string("id", &member.id)
        .raw("info", member.info.as_str())
        .finish()
}

/// `{code, message}`, the data of a server's error or close.
fn code_and_message(code: Option<u16>, message: &str) -> String {
    ObjectWriter::new()
        .number_or_null("code", code.map(u64::from))
        .string("message", message)
        .finish()
}

/// The argument of a connection `error` callback: `{type, error}`, plus pusher-js's
/// `data: {code, message}` for errors the server sent, and the channel where there is one.
fn error_data(error: &Error) -> String {
    let data = ObjectWriter::new()
        .string("type", error.type_name())
        .string("error", &error.message());
    match error {
        Error::Server { code, message } => data.raw("data", &code_and_message(*code, message)),
        Error::Closed { code, reason } => data.raw("data", &code_and_message(Some(*code), reason)),
        Error::ClientEventDropped { channel, .. } | Error::Decryption { channel, .. } => {
            data.string("channel", channel)
        }
        _ => data,
    }
    .finish()
}
