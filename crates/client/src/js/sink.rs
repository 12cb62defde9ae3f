//! The JavaScript object the exports report to (written in `www/npm/pusher.js`): every event of
//! the core as `(kind, channel, name, data)`, with the data as JSON text for the engine's own
//! `JSON.parse` (or, for a string data, its place in the frame's own string), and the auth
//! requests that JavaScript answers. [`Kind`] is exported, and
//! `pusher.js` reads it by name.

use alloc::string::String;

use rusher_protocol::json::{ObjectWriter, Payload, string_array};
use rusher_protocol::text::decimal;
use rusher_protocol::{Error, Event, Member, is_server_to_user};
use wasm_bindgen::prelude::*;

use crate::frame_text::FrameText;

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

    /// An event whose data is a JSON string literal, `text.slice(at, end)`, which JavaScript
    /// decodes like pusher-js does (the JSON it holds, else the string itself).
    #[wasm_bindgen(method)]
    fn literal(
        this: &Sink,
        kind: Kind,
        channel: Option<&str>,
        name: &str,
        text: &JsValue,
        at: usize,
        end: usize,
        user_id: Option<&str>,
    );

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
    /// One of pusher-js's `pusher:…` events on a channel. A member event (`member_added`,
    /// `member_removed`) has the member's info as its data and the member's id as `user_id`.
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

impl Sink {
    fn emit(&self, kind: Kind, channel: Option<&str>, name: &str, data: Option<&str>) {
        self.event(kind, channel, name, data, None);
    }

    /// Reports one of the core's events; a string data is taken from `frame` when it is on
    /// offer.
    pub fn report(&self, event: &Event, frame: &FrameText) {
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
                    self.emit(Kind::Global, None, "pusher:error", Some(&data));
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
                    Payload::Literal(literal) => match frame.get() {
                        Some(text) => {
                            let (at, end) = (literal.at(), literal.end());
                            self.literal(kind, channel, name, &text, at, end, user_id);
                        }
                        None => {
                            let data = data.decode();
                            self.event(kind, channel, name, Some(data.as_str()), user_id);
                        }
                    },
                    Payload::Json(json) => {
                        self.event(kind, channel, name, Some(json.as_str()), user_id);
                    }
                    Payload::Absent => self.event(kind, channel, name, None, user_id),
                }
            }
            Event::SubscriptionSucceeded { channel } => {
                self.channel(channel, "pusher:subscription_succeeded", Some("{}"));
            }
            Event::SubscriptionError { channel, error } => {
                self.channel(channel, "pusher:subscription_error", Some(&error.to_json()));
            }
            Event::SubscriptionCount { channel, count } => {
                let data = ObjectWriter::new()
                    .number("subscription_count", *count)
                    .finish();
                self.channel(channel, "pusher:subscription_count", Some(&data));
            }
            Event::CacheMiss { channel } => self.channel(channel, "pusher:cache_miss", None),
            Event::MemberAdded { channel, member } => {
                self.member_event(channel, "pusher:member_added", member);
            }
            Event::MemberRemoved { channel, member } => {
                self.member_event(channel, "pusher:member_removed", member);
            }
            Event::SignedIn { user_data, .. } => {
                let data = ObjectWriter::new()
                    .string("user_data", user_data.as_str())
                    .finish();
                self.emit(Kind::Global, None, "pusher:signin_success", Some(&data));
            }
            Event::SigninError(error) => {
                self.emit(
                    Kind::Global,
                    None,
                    "pusher:signin_error",
                    Some(&error.to_json()),
                );
            }
            Event::Watchlist { kind, user_ids } => {
                let name = kind.as_str();
                let data = ObjectWriter::new()
                    .string("name", name)
                    .raw("user_ids", &string_array(user_ids))
                    .finish();
                self.emit(Kind::Watchlist, None, name, Some(&data));
            }
            // An event a newer core adds has no JavaScript form until it is given one here.
            _ => {}
        }
    }

    fn channel(&self, channel: &str, name: &str, data: Option<&str>) {
        self.emit(Kind::Channel, Some(channel), name, data);
    }

    /// A member event: the member's info as the data and its id as `user_id`, which
    /// JavaScript makes into pusher-js's `{id, info}` (cheaper than JSON text of both: a
    /// presence channel's joins and leaves are its busiest events).
    fn member_event(&self, channel: &str, name: &str, member: &Member) {
        let (id, info) = (Some(member.id.as_str()), Some(member.info.as_str()));
        self.event(Kind::Channel, Some(channel), name, info, id);
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
