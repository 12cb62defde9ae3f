//! One WebSocket for the protocol core: opened by a task that forwards every text frame and the
//! socket's end to the visitor's loop, as the browser client's driver does.

use futures_util::stream::SplitSink;
use futures_util::{SinkExt, StreamExt};
use rusher_protocol::{Connection, Output, SocketHandle};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message as Frame;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// Each socket's read buffer to begin with (a larger frame grows it): the WebSocket layer's
/// default, 128 KiB, is zeroed on every read, which made the load generator's own CPU the
/// bottleneck with thousands of visitors.
const READ_BUFFER_BYTES: usize = 4 * 1024;

/// The sending half of an open WebSocket.
pub type Sink = SplitSink<WebSocketStream<MaybeTlsStream<TcpStream>>, Frame>;

/// What a socket task reports to the visitor's loop.
pub enum SocketEvent {
    /// The socket opened; frames to the server go through the sink.
    Opened(SocketHandle, Box<Sink>),
    /// A text frame arrived.
    Frame(SocketHandle, String),
    /// The socket ended, with its close code (1006 when it ended without a close frame).
    Closed(SocketHandle, u16),
}

/// Opens the WebSocket and forwards its frames and its end, each turned into the loop's own
/// message type.
pub async fn open<T: From<SocketEvent>>(
    handle: SocketHandle,
    url: String,
    tx: mpsc::UnboundedSender<T>,
) {
    let config = WebSocketConfig::default().read_buffer_size(READ_BUFFER_BYTES);
    let connected = tokio_tungstenite::connect_async_with_config(url.as_str(), Some(config), false);
    let Ok((socket, _)) = connected.await else {
        let _ = tx.send(SocketEvent::Closed(handle, 1006).into());
        return;
    };
    let (sink, mut stream) = socket.split();
    let _ = tx.send(SocketEvent::Opened(handle, Box::new(sink)).into());
    let mut code = 1006;
    while let Some(frame) = stream.next().await {
        match frame {
            Ok(Frame::Text(text)) => {
                let _ = tx.send(SocketEvent::Frame(handle, text.to_string()).into());
            }
            Ok(Frame::Close(close)) => {
                code = close.map_or(1005, |c| u16::from(c.code));
                break;
            }
            Ok(_) => {}
            Err(_) => break,
        }
    }
    let _ = tx.send(SocketEvent::Closed(handle, code).into());
}

/// The socket the core holds now, if it is open.
#[derive(Default)]
pub struct CurrentSocket(Option<(SocketHandle, Box<Sink>)>);

impl CurrentSocket {
    /// Hands the core what a socket task reported.
    pub fn apply(
        &mut self,
        conn: &mut Connection,
        event: SocketEvent,
        now: rusher_protocol::Instant,
    ) {
        match event {
            SocketEvent::Opened(handle, sink) => self.0 = Some((handle, sink)),
            SocketEvent::Frame(handle, text) => conn.handle_message(handle, &text, now),
            SocketEvent::Closed(handle, code) => {
                if self.0.as_ref().is_some_and(|(h, _)| *h == handle) {
                    self.0 = None;
                }
                conn.handle_close(handle, code, "", now);
            }
        }
    }

    /// The core's next output that is not about its socket, once the socket outputs before it
    /// (`Open`, `Send`, `Close`) are carried out; `None` when the core has nothing more.
    pub async fn next_output<T: From<SocketEvent> + Send + 'static>(
        &mut self,
        conn: &mut Connection,
        tx: &mpsc::UnboundedSender<T>,
    ) -> Option<Output> {
        while let Some(output) = conn.poll_output() {
            match output {
                Output::Open { handle, url } => {
                    tokio::spawn(open(handle, url, tx.clone()));
                }
                Output::Send(text) => {
                    if let Some((_, sink)) = &mut self.0 {
                        // A failed send is followed by the socket's close, which the core hears.
                        let _ = sink.send(Frame::text(text)).await;
                    }
                }
                Output::Close { handle, .. } => {
                    if self.0.as_ref().is_some_and(|(h, _)| *h == handle)
                        && let Some((_, mut sink)) = self.0.take()
                    {
                        let _ = sink.close().await;
                    }
                }
                other => return Some(other),
            }
        }
        None
    }
}
