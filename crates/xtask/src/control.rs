//! A control endpoint for suites that stop the server under test and start it again:
//! `POST /restart` (SIGTERM, as a deploy would) and `POST /kill` (SIGKILL, as a crash would),
//! each answered `204` once the server accepts connections again. It listens on loopback, for
//! the suite only, and allows any origin, so that a test page in the browser can call it.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use crate::server::{LocalServer, Service, Stop};
use crate::shell::Error;

/// The endpoint, serving until dropped.
pub struct Control {
    port: u16,
    stopping: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Control {
    /// Serves the endpoint for `server`.
    pub fn start(server: Arc<Mutex<LocalServer>>) -> Result<Self, Error> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        let stopping = Arc::new(AtomicBool::new(false));
        let stop = Arc::clone(&stopping);
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(stream) = stream {
                    answer(stream, &server);
                }
            }
        });
        Ok(Self {
            port,
            stopping,
            thread: Some(thread),
        })
    }

    /// `RUSHER_CONTROL_URL`, the endpoint's base URL.
    pub fn configure(&self, command: &mut Command) {
        command.env(
            "RUSHER_CONTROL_URL",
            format!("http://127.0.0.1:{}", self.port),
        );
    }
}

/// Reads one request and does what it asks; a peer that sends nothing is given up on.
fn answer(mut stream: TcpStream, server: &Mutex<LocalServer>) {
    let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(5)));
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 8192 {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    let head = String::from_utf8_lossy(&head);
    let stop = match head.split_whitespace().nth(1) {
        Some("/restart") => Some(Stop::Graceful),
        Some("/kill") => Some(Stop::Kill),
        _ => None,
    };
    let status = match stop {
        Some(stop) => {
            let mut server = server.lock().unwrap_or_else(|p| p.into_inner());
            match server.restart(stop) {
                Ok(()) => "204 No Content",
                Err(_) => "500 Internal Server Error",
            }
        }
        None => "404 Not Found",
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nAccess-Control-Allow-Origin: *\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
}

impl Drop for Control {
    fn drop(&mut self) {
        self.stopping.store(true, Ordering::SeqCst);
        // Wakes the accept loop, which then sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A server that suites may restart through a [`Control`].
pub struct Restartable {
    control: Control,
    server: Arc<Mutex<LocalServer>>,
}

impl Restartable {
    /// Serves the control endpoint for `server`.
    pub fn new(server: LocalServer) -> Result<Self, Error> {
        let server = Arc::new(Mutex::new(server));
        Ok(Self {
            control: Control::start(Arc::clone(&server))?,
            server,
        })
    }

    /// The server, between restarts.
    pub fn with<T>(&self, read: impl FnOnce(&LocalServer) -> T) -> T {
        read(&self.server.lock().unwrap_or_else(|p| p.into_inner()))
    }
}

impl Service for Restartable {
    /// The server's variables and `RUSHER_CONTROL_URL`.
    fn configure(&self, command: &mut Command) {
        self.with(|server| server.configure(command));
        self.control.configure(command);
    }
}
