//! Signed-in users: sign-in, their sockets, and the watchlists that hear them come and go.

use rusher_protocol::json::Value;
use rusher_protocol::sign;
use rusher_protocol::wire::{ServerMessage, WatchlistEvent, WatchlistEventKind};

use super::{Hub, SignedIn, SocketId};

impl Hub {
    /// Signs a connection in after checking the user auth signature; subscribes nothing (the
    /// client subscribes its `#server-to-user-` channel) but starts watchlist events.
    pub fn signin(&mut self, id: &str, auth: &str, user_data: &str) -> Result<(), String> {
        if !sign::verify_user_auth(&self.app.key, &self.app.secret, auth, id, user_data) {
            return Err("Invalid signature".to_owned());
        }
        let data = Value::parse(user_data).map_err(|_| "user_data is not JSON".to_owned())?;
        let user_id = match data.get("id") {
            Some(Value::String(user_id)) if !user_id.is_empty() => user_id.clone(),
            _ => return Err("user_data.id must be a non-empty string".to_owned()),
        };
        let watchlist: Vec<String> = data
            .get("watchlist")
            .and_then(Value::as_array)
            .map(|ids| {
                ids.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let Some(conn) = self.conns.get_mut(id) else {
            return Ok(());
        };
        if let Some(previous) = conn.user.take() {
            self.remove_user_socket(&previous.id, id);
        }
        if let Some(conn) = self.conns.get_mut(id) {
            conn.user = Some(SignedIn {
                id: user_id.clone(),
                watchlist: watchlist.clone(),
            });
        }
        self.send_to(
            id,
            ServerMessage::SigninSuccess {
                user_data: user_data.to_owned(),
            }
            .to_json(),
        );
        let sockets = self.users.entry(user_id.clone()).or_default();
        let first = sockets.is_empty();
        sockets.insert(id.to_owned());
        let online: Vec<String> = watchlist
            .iter()
            .filter(|w| self.users.get(*w).is_some_and(|s| !s.is_empty()))
            .cloned()
            .collect();
        if !online.is_empty() {
            self.send_to(id, watchlist_frame(WatchlistEventKind::Online, online));
        }
        if first {
            self.tell_watchers(&user_id, WatchlistEventKind::Online);
        }
        Ok(())
    }

    /// The sockets of a signed-in user (for terminating its connections).
    pub fn user_sockets(&self, user_id: &str) -> Vec<SocketId> {
        self.users
            .get(user_id)
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default()
    }

    pub(super) fn remove_user_socket(&mut self, user_id: &str, id: &str) {
        let last = match self.users.get_mut(user_id) {
            Some(sockets) => {
                sockets.remove(id);
                sockets.is_empty()
            }
            None => false,
        };
        if last {
            self.users.remove(user_id);
            self.tell_watchers(user_id, WatchlistEventKind::Offline);
        }
    }

    /// Tells every signed-in connection that watches `user_id` that it came online or went offline.
    pub(super) fn tell_watchers(&self, user_id: &str, kind: WatchlistEventKind) {
        for (id, conn) in &self.conns {
            let watching = conn
                .user
                .as_ref()
                .is_some_and(|u| u.watchlist.iter().any(|w| w == user_id));
            if watching {
                self.send_to(id, watchlist_frame(kind, vec![user_id.to_owned()]));
            }
        }
    }
}

fn watchlist_frame(kind: WatchlistEventKind, ids: Vec<String>) -> String {
    ServerMessage::Watchlist(vec![WatchlistEvent {
        kind,
        user_ids: ids,
    }])
    .to_json()
}
