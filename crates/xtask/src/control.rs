//! A control endpoint for suites that stop the server under test and start it again:
//! `POST /restart` (SIGTERM, as a deploy would) and `POST /kill` (SIGKILL, as a crash would),
//! each answered `204` once the server accepts connections again. It listens on loopback, for
//! the suite only, and allows any origin, so that a test page in the browser can call it.

use std::process::Command;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use tiny_http::{Header, Request, Response, Server};

use crate::server::{LocalServer, Service, Stop};
use crate::shell::Error;

/// The endpoint, serving until dropped.
pub struct Control {
    port: u16,
    http: Arc<Server>,
    thread: Option<JoinHandle<()>>,
}

impl Control {
    /// Serves the endpoint for `server`.
    pub fn start(server: Arc<Mutex<LocalServer>>) -> Result<Self, Error> {
        let http = Arc::new(Server::http("127.0.0.1:0").map_err(|e| e.to_string())?);
        let port = http
            .server_addr()
            .to_ip()
            .ok_or("the control endpoint has no port")?
            .port();
        let serving = Arc::clone(&http);
        let thread = std::thread::spawn(move || {
            for request in serving.incoming_requests() {
                answer(request, &server);
            }
        });
        Ok(Self {
            port,
            http,
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

/// Does what a request asks, and answers it.
fn answer(request: Request, server: &Mutex<LocalServer>) {
    let stop = match request.url() {
        "/restart" => Some(Stop::Graceful),
        "/kill" => Some(Stop::Kill),
        _ => None,
    };
    let status = match stop {
        Some(stop) => {
            let mut server = server.lock().unwrap_or_else(|p| p.into_inner());
            match server.restart(stop) {
                Ok(()) => 204,
                Err(_) => 500,
            }
        }
        None => 404,
    };
    let mut response = Response::empty(status);
    if let Ok(any_origin) = Header::from_bytes("Access-Control-Allow-Origin", "*") {
        response.add_header(any_origin);
    }
    let _ = request.respond(response);
}

impl Drop for Control {
    fn drop(&mut self) {
        // Ends the accept loop.
        self.http.unblock();
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
