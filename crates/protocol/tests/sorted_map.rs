//! The sorted map behind channels and presence members: key order, replace, remove, and building
//! from unordered entries with repeats.
#![allow(clippy::unwrap_used)]

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

mod common;

use rusher_protocol::sorted_map::SortedMap;

#[test]
fn keeps_keys_in_order_and_replaces_removes_and_retains() {
    let mut map = SortedMap::new();
    for (key, value) in [("b", 2), ("a", 1), ("c", 3)] {
        assert_eq!(map.insert(key.to_owned(), value), None);
    }
    assert_eq!(map.insert("b".to_owned(), 20), Some(2));
    assert_eq!(
        map.keys().map(String::as_str).collect::<Vec<_>>(),
        ["a", "b", "c"]
    );
    assert_eq!((map.get("b"), map.contains_key("z")), (Some(&20), false));
    *map.get_mut("a").unwrap() += 10;
    assert_eq!(map.remove("c"), Some(3));
    assert_eq!(map.remove("c"), None);
    map.retain(|key, _| key != "b");
    assert_eq!(map.iter().collect::<Vec<_>>(), [(&"a".to_owned(), &11)]);
    assert_eq!((map.len(), map.is_empty()), (1, false));
}

#[test]
fn builds_from_unordered_entries_keeping_the_first_of_a_repeated_key() {
    let entries = vec![
        ("y".to_owned(), 1),
        ("x".to_owned(), 2),
        ("y".to_owned(), 3),
    ];
    let mut map = SortedMap::from_entries(entries);
    assert_eq!(
        map.iter().collect::<Vec<_>>(),
        [(&"x".to_owned(), &2), (&"y".to_owned(), &1)]
    );
    map.truncate(1);
    assert_eq!(map.len(), 1);
    for value in map.values_mut() {
        *value = 0;
    }
    assert_eq!(map.get("x"), Some(&0));
}
