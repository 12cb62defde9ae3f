//! The loop that connects the protocol core to the browser: every input (a frame, a close, a
//! timer, an auth answer, a user call) goes into the `Connection`, then the outputs are carried
//! out in order. No borrow is held while user callbacks run, so callbacks may call back in.

use alloc::rc::{Rc, Weak};
use alloc::vec::Vec;
use core::cell::{Cell, RefCell};

use rusher_protocol::{Connection, Event, Instant, Output, SocketHandle};
use wasm_bindgen::{JsCast, JsValue};

use crate::auth_http::{
    ChannelAuthorizer, UserAuthenticator, authenticate_user, authorize_channels,
};
use crate::browser;
use crate::callback::{Callback, callback};
use crate::clock::Clock;
#[cfg(feature = "js")]
use crate::json_frame::JsonFrame;
#[cfg(feature = "js")]
use crate::kept_frames::KeptFrames;
use crate::socket::{Socket, SocketEvent};

/// A callback for every event.
pub type Listener = Rc<dyn Fn(&Event)>;

/// The parts of the driver that change; borrowed only briefly, never across a callback.
struct State {
    conn: Connection,
    socket: Option<Socket>,
    /// The pending `setTimeout` and when it fires, if any.
    timer: Option<(f64, Instant)>,
}

/// The global object's events the driver listens to, for the page's life: the network going and
/// coming back, the page hidden and shown again (`visibilitychange` bubbles from the document),
/// focused, and put in or restored from the back/forward cache.
const PAGE_EVENTS: [&str; 6] = [
    "online",
    "offline",
    "visibilitychange",
    "focus",
    "pagehide",
    "pageshow",
];

/// The browser callbacks the driver owns for its whole life: the timer's and the listener of
/// [`PAGE_EVENTS`]. Dropping them removes the listener and cancels the timer.
struct Callbacks {
    timer: Callback,
    page: Callback,
}

/// The driver, shared by the API handles and the browser callbacks (which hold it weakly).
pub struct Driver {
    state: RefCell<State>,
    listeners: RefCell<Vec<(u64, Listener)>>,
    next_listener: Cell<u64>,
    callbacks: RefCell<Option<Callbacks>>,
    channel_auth: ChannelAuthorizer,
    user_auth: UserAuthenticator,
    clock: Clock,
    /// The frames read as JSON in JavaScript, for the JavaScript sink; `None` until it asks
    /// for them ([`keep_frames`](Self::keep_frames)).
    #[cfg(feature = "js")]
    kept_frames: RefCell<Option<KeptFrames>>,
}

impl Driver {
    /// A driver for a connection; listens to the page's events ([`PAGE_EVENTS`]).
    pub fn new(
        conn: Connection,
        channel_auth: ChannelAuthorizer,
        user_auth: UserAuthenticator,
    ) -> Rc<Self> {
        let driver = Rc::new(Self {
            state: RefCell::new(State {
                conn,
                socket: None,
                timer: None,
            }),
            listeners: RefCell::new(Vec::new()),
            next_listener: Cell::new(0),
            callbacks: RefCell::new(None),
            channel_auth,
            user_auth,
            clock: Clock::new(),
            #[cfg(feature = "js")]
            kept_frames: RefCell::new(None),
        });
        let weak = Rc::downgrade(&driver);
        let timer = callback(move |_, _| {
            if let Some(driver) = weak.upgrade() {
                let armed = driver.state.borrow_mut().timer.take();
                // `setTimeout` waits at least its delay: the deadline it was armed for has come,
                // whatever the wall clock says (set back, or stubbed by a test).
                if let Some((_, at)) = armed {
                    driver.clock.reach(at);
                }
                driver.input(|conn, now| conn.handle_timeout(now));
            }
        });
        let weak = Rc::downgrade(&driver);
        let page = callback(move |event: JsValue, _| {
            if let Some(driver) = weak.upgrade() {
                driver.input(|conn, now| page_event(conn, event.unchecked_ref(), now));
            }
        });
        for name in PAGE_EVENTS {
            browser::add_event_listener(name, page.as_ref());
        }
        driver.callbacks.replace(Some(Callbacks { timer, page }));
        if !browser::on_line() {
            driver.input(|conn, now| conn.set_online(false, now));
        }
        driver
    }

    /// Feeds one input to the core, then carries out everything it asks for.
    pub fn input<T>(self: &Rc<Self>, feed: impl FnOnce(&mut Connection, Instant) -> T) -> T {
        let result = {
            let mut state = self.state.borrow_mut();
            feed(&mut state.conn, self.clock.now())
        };
        self.pump();
        result
    }

    /// Reads the core's state.
    pub fn read<T>(&self, read: impl FnOnce(&Connection) -> T) -> T {
        read(&self.state.borrow().conn)
    }

    /// From now on, frames are read as JSON in JavaScript where they can be, and kept while
    /// their events are dispatched: an event passes a string data on as `Payload::Kept`, which
    /// only the returned frames can give. For the JavaScript sink, the one listener then.
    #[cfg(feature = "js")]
    pub fn keep_frames(&self) -> KeptFrames {
        self.kept_frames
            .borrow_mut()
            .get_or_insert_with(KeptFrames::default)
            .clone()
    }

    /// Adds a listener for every event; returns its id for [`unlisten`](Self::unlisten).
    pub fn listen(&self, listener: Listener) -> u64 {
        let id = self.next_listener.get().wrapping_add(1);
        self.next_listener.set(id);
        self.listeners.borrow_mut().push((id, listener));
        id
    }

    /// Removes a listener.
    pub fn unlisten(&self, id: u64) {
        self.listeners.borrow_mut().retain(|(i, _)| *i != id);
    }

    /// How many browser event listeners the driver holds (socket and page), for tests that
    /// prove nothing leaks.
    pub fn live_listeners(&self) -> usize {
        let page = self
            .callbacks
            .borrow()
            .as_ref()
            .map_or(0, |_| PAGE_EVENTS.len());
        page + self.state.borrow().socket.as_ref().map_or(0, |_| 2)
    }

    /// Carries out the core's outputs until there are none, then arms the timer.
    fn pump(self: &Rc<Self>) {
        loop {
            let output = self.state.borrow_mut().conn.poll_output();
            let Some(output) = output else { break };
            match output {
                Output::Open { handle, url } => self.open(handle, &url),
                Output::Send(text) => {
                    // Not sent under the borrow: the socket may call back inside `send`.
                    let sender = self.state.borrow().socket.as_ref().map(Socket::sender);
                    if let Some(sender) = sender {
                        sender.send(&text);
                    }
                }
                Output::Close {
                    handle,
                    code,
                    reason,
                } => {
                    let socket = self.state.borrow_mut().socket.take();
                    match socket {
                        Some(socket) if socket.handle == handle => socket.close(code, &reason),
                        other => self.state.borrow_mut().socket = other,
                    }
                }
                Output::Authorize(request) => {
                    let weak = Rc::downgrade(self);
                    authorize_channels(&self.channel_auth, request, move |request, results| {
                        if let Some(driver) = weak.upgrade() {
                            driver.input(|conn, now| {
                                conn.handle_channel_auth(request.id, results, now);
                            });
                        }
                    });
                }
                Output::AuthorizeUser(request) => {
                    let weak = Rc::downgrade(self);
                    authenticate_user(&self.user_auth, request, move |request, result| {
                        if let Some(driver) = weak.upgrade() {
                            driver.input(|conn, _| conn.handle_user_auth(request.id, result));
                        }
                    });
                }
                Output::Event(event) => self.dispatch(&event),
            }
        }
        self.arm_timer();
    }

    fn open(self: &Rc<Self>, handle: SocketHandle, url: &str) {
        let weak: Weak<Self> = Rc::downgrade(self);
        let on_event = move |handle, event| {
            if let Some(driver) = weak.upgrade() {
                match event {
                    SocketEvent::Message(text) => driver.read_frame(handle, &text),
                    SocketEvent::Closed(code, reason) => {
                        driver.input(|conn, now| conn.handle_close(handle, code, &reason, now));
                    }
                }
            }
        };
        match Socket::open(handle, url, on_event) {
            Some(socket) => self.state.borrow_mut().socket = Some(socket),
            None => {
                // The browser refused the URL outright: report it as an abnormal close, so the
                // core backs off and retries like for any failed connect.
                self.input(|conn, now| conn.handle_close(handle, 1006, "could not open", now));
            }
        }
    }

    /// Reads a frame: as JSON in JavaScript when frames are kept and the core takes it so, else
    /// its text, copied into wasm memory for the core to parse.
    fn read_frame(self: &Rc<Self>, handle: SocketHandle, text: &JsValue) {
        #[cfg(feature = "js")]
        {
            let kept = self.kept_frames.borrow().clone();
            if let Some(kept) = kept
                && let Some(frame) = JsonFrame::read(text)
            {
                frame.read_kept(&kept, |envelope| {
                    self.input(|conn, now| conn.handle_envelope(handle, envelope, now));
                });
                return;
            }
        }
        if let Some(text) = text.as_string() {
            self.input(|conn, now| conn.handle_message(handle, &text, now));
        }
    }

    fn dispatch(&self, event: &Event) {
        let listeners: Vec<Listener> = self
            .listeners
            .borrow()
            .iter()
            .map(|(_, l)| Rc::clone(l))
            .collect();
        for listener in listeners {
            listener(event);
        }
    }

    /// One timer for the core's next deadline. A pending timer that fires no later than the
    /// deadline is kept: most inputs (every message moves the ping deadline later) then cost no
    /// timer calls, and a timer that fires early finds nothing due and arms the next one.
    fn arm_timer(&self) {
        let mut state = self.state.borrow_mut();
        let deadline = state.conn.poll_timeout();
        if let Some((id, armed)) = state.timer {
            if deadline.is_some_and(|at| armed <= at) {
                return;
            }
            browser::clear_timeout(id);
            state.timer = None;
        }
        let callbacks = self.callbacks.borrow();
        if let (Some(at), Some(callbacks)) = (deadline, callbacks.as_ref()) {
            let delay = at.saturating_duration_since(self.clock.now());
            // Far below 2^53 milliseconds, so exact as f64.
            let id = browser::set_timeout(
                callbacks.timer.as_ref(),
                rusher_protocol::millis(delay) as f64,
            );
            state.timer = Some((id, at));
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if let Some((id, _)) = self.state.get_mut().timer.take() {
            browser::clear_timeout(id);
        }
        if let Some(callbacks) = self.callbacks.get_mut().take() {
            for name in PAGE_EVENTS {
                browser::remove_event_listener(name, callbacks.page.as_ref());
            }
        }
    }
}

/// One of [`PAGE_EVENTS`], as the core's inputs. A page going into the back/forward cache is
/// offline until it is shown again: its socket is closed cleanly (an open WebSocket keeps a page
/// out of the cache in some engines, and a frozen one would die unnoticed), its channels kept.
/// Shown again, focused, or restored, the page checks its link or retries at once.
fn page_event(conn: &mut Connection, event: &browser::Event, now: Instant) {
    match event.kind().as_str() {
        "online" => conn.set_online(true, now),
        "offline" => conn.set_online(false, now),
        "pagehide" => {
            if event.persisted() {
                conn.set_online(false, now);
            }
        }
        "pageshow" => {
            if event.persisted() {
                conn.set_online(browser::on_line(), now);
            }
        }
        "visibilitychange" if event.target().hidden() => {}
        // Focus, or the page shown again.
        _ => conn.wake(now),
    }
}
