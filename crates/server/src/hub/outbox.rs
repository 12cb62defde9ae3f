//! A connection's bounded outbox, which the hub queues frames on without ever waiting.

use tokio::sync::mpsc;

/// What a connection's writer task is asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outgoing {
    /// Send a text frame.
    Frame(String),
    /// Close the socket with this code and reason.
    Close(u16, String),
    /// End the connection without a close frame, as a crashed network would (fault injection).
    Drop,
}

/// The sending half of a connection's bounded outbox.
#[derive(Debug, Clone)]
pub struct ConnSender {
    frames: mpsc::Sender<Outgoing>,
    /// Asked to close when the outbox is full: a slow reader is dropped, not buffered forever.
    overflow: mpsc::UnboundedSender<()>,
}

impl ConnSender {
    /// A sender and its receivers: frames (bounded to `capacity`) and the overflow signal.
    pub fn new(capacity: usize) -> (Self, mpsc::Receiver<Outgoing>, mpsc::UnboundedReceiver<()>) {
        let (frames, frames_rx) = mpsc::channel(capacity);
        let (overflow, overflow_rx) = mpsc::unbounded_channel();
        (Self { frames, overflow }, frames_rx, overflow_rx)
    }

    /// The outbox itself, for a writer that waits for room (the fault switch that floods a
    /// connection with raw frames).
    pub fn queue(&self) -> mpsc::Sender<Outgoing> {
        self.frames.clone()
    }

    /// Queues a frame; a full outbox signals overflow instead of waiting.
    pub fn send(&self, outgoing: Outgoing) {
        if let Err(mpsc::error::TrySendError::Full(_)) = self.frames.try_send(outgoing) {
            let _ = self.overflow.send(());
        }
    }
}
