//! Events as async streams: [`Pusher::events`](crate::Pusher::events),
//! [`Pusher::states`](crate::Pusher::states) and [`Channel::events`](crate::Channel::events).
//! Each stream buffers what its reader has not taken yet, up to [`MAX_BUFFERED`]; past that the
//! oldest item is dropped and counted in [`EventStream::lagged`]. Dropping the stream unbinds it.

use alloc::collections::VecDeque;
use alloc::rc::Rc;
use core::cell::RefCell;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};

use futures_core::Stream;

use crate::api::{Binding, Pusher};

/// How many unread items a stream keeps.
pub const MAX_BUFFERED: usize = 1024;

/// The buffer shared between the callback that fills it and the stream that drains it.
struct Buffer<T> {
    items: VecDeque<T>,
    waker: Option<Waker>,
    lagged: u64,
}

/// An async stream of items derived from the client's events; it ends only when dropped.
pub struct EventStream<T> {
    buffer: Rc<RefCell<Buffer<T>>>,
    pusher: Pusher,
    binding: Binding,
}

impl<T: 'static> EventStream<T> {
    /// A stream of `select(event)` for every event where it gives `Some`.
    pub(crate) fn new(
        pusher: &Pusher,
        select: impl Fn(&rusher_protocol::Event) -> Option<T> + 'static,
    ) -> Self {
        let buffer = Rc::new(RefCell::new(Buffer {
            items: VecDeque::new(),
            waker: None,
            lagged: 0,
        }));
        let sink = Rc::clone(&buffer);
        let binding = pusher.bind_global(move |event| {
            let Some(item) = select(event) else { return };
            let waker = {
                let mut buffer = sink.borrow_mut();
                if buffer.items.len() >= MAX_BUFFERED {
                    buffer.items.pop_front();
                    buffer.lagged += 1;
                }
                buffer.items.push_back(item);
                buffer.waker.take()
            };
            if let Some(waker) = waker {
                waker.wake();
            }
        });
        Self {
            buffer,
            pusher: pusher.clone(),
            binding,
        }
    }

    /// The next item, waiting for it if none is buffered.
    pub async fn next(&mut self) -> Option<T> {
        core::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// How many items were dropped because the reader fell [`MAX_BUFFERED`] behind.
    pub fn lagged(&self) -> u64 {
        self.buffer.borrow().lagged
    }
}

impl<T> Stream for EventStream<T> {
    type Item = T;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let mut buffer = self.buffer.borrow_mut();
        match buffer.items.pop_front() {
            Some(item) => Poll::Ready(Some(item)),
            None => {
                buffer.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

impl<T> Drop for EventStream<T> {
    fn drop(&mut self) {
        self.pusher.unbind(self.binding);
    }
}
