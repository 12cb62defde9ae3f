//! The names of the events the protocol defines, each written once: parsing a frame looks its
//! name up here and matches on the [`ProtocolEvent`] it gets, and writing a frame takes the name
//! from here. An event added to the table fails to compile until parsing handles it.

/// The table: each event's variant, what it is, and its name on the wire.
macro_rules! protocol_events {
    ($($(#[$doc:meta])* $variant:ident => $name:literal,)*) => {
        /// An event the protocol defines (`pusher:…`, `pusher_internal:…`), in either direction.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(crate) enum ProtocolEvent {
            $($(#[$doc])* $variant,)*
        }

        impl ProtocolEvent {
            /// Every one, in the table's order.
            #[cfg(test)]
            const ALL: &'static [ProtocolEvent] = &[$(ProtocolEvent::$variant,)*];

            /// Its name on the wire.
            pub(crate) const fn name(self) -> &'static str {
                match self {
                    $(ProtocolEvent::$variant => $name,)*
                }
            }

            /// The event named `name`, when the protocol defines it.
            pub(crate) fn named(name: &str) -> Option<Self> {
                match name {
                    $($name => Some(ProtocolEvent::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

protocol_events! {
    /// Server → client: the handshake.
    ConnectionEstablished => "pusher:connection_established",
    /// Server → client: an error, maybe before a close.
    Error => "pusher:error",
    /// Either way: are you there?
    Ping => "pusher:ping",
    /// Either way: the answer to a ping.
    Pong => "pusher:pong",
    /// Client → server: subscribe to a channel.
    Subscribe => "pusher:subscribe",
    /// Client → server: leave a channel.
    Unsubscribe => "pusher:unsubscribe",
    /// Server → client: a subscription confirmed, with members on presence channels.
    SubscriptionSucceeded => "pusher_internal:subscription_succeeded",
    /// Server → client: a subscription refused.
    SubscriptionError => "pusher:subscription_error",
    /// Server → client: how many connections a channel has.
    SubscriptionCount => "pusher_internal:subscription_count",
    /// Server → client: a cache channel has no last event.
    CacheMiss => "pusher:cache_miss",
    /// Server → client: a member joined a presence channel.
    MemberAdded => "pusher_internal:member_added",
    /// Server → client: a member left a presence channel.
    MemberRemoved => "pusher_internal:member_removed",
    /// Client → server: sign the user in.
    Signin => "pusher:signin",
    /// Server → client: the sign-in succeeded.
    SigninSuccess => "pusher:signin_success",
    /// Server → client: watched users came online or went offline.
    Watchlist => "pusher_internal:watchlist_events",
}

#[cfg(test)]
mod tests {
    use super::ProtocolEvent;

    #[test]
    fn every_name_reads_back_as_its_event() {
        for &event in ProtocolEvent::ALL {
            assert_eq!(ProtocolEvent::named(event.name()), Some(event));
        }
        assert_eq!(ProtocolEvent::named("pusher:unknown"), None);
        assert_eq!(ProtocolEvent::named("client-typing"), None);
    }
}
