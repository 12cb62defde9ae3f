//! [`string_table!`](crate::string_table): a table of string constants, each written once, and
//! `ALL`, every one of them. The names pusher-js gives events (`pusher_events`) and the chat's
//! routes (`rusher_chat_api::routes`) are such tables: a constant added to one is in its `ALL`
//! without a second edit, and the tests that walk `ALL` see it.

/// Writes `pub const NAME: &str = "text";` for each row (with its doc comment), and
/// `pub const ALL: &[&str]`, every one in the table's order.
#[macro_export]
macro_rules! string_table {
    ($($(#[$doc:meta])* $name:ident = $text:literal,)*) => {
        $($(#[$doc])* pub const $name: &str = $text;)*

        /// Every one, in the table's order.
        pub const ALL: &[&str] = &[$($name,)*];
    };
}
