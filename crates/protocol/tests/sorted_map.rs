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

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use std::collections::BTreeMap;

    use proptest::prelude::*;
    use rusher_protocol::sorted_map::SortedMap;

    proptest! {
        /// Any order, any repeats: key order, and the first value of each key, as a `BTreeMap`
        /// that keeps the first insert would have them.
        #[test]
        fn from_entries_sorts_and_keeps_the_first(entries in prop::collection::vec(("[a-e]{0,3}", any::<u8>()), 0..200)) {
            let mut expected = BTreeMap::new();
            for (key, value) in &entries {
                expected.entry(key.clone()).or_insert(*value);
            }
            let map = SortedMap::from_entries(entries);
            let got: Vec<(String, u8)> = map.iter().map(|(k, v)| (k.clone(), *v)).collect();
            prop_assert_eq!(got, expected.into_iter().collect::<Vec<_>>());
        }
    }
}

/// A member list of tens of thousands in reverse order (what a hostile server could send) comes out
/// sorted; `from_entries` sorts it with a heapsort, where inserting one by one took seconds.
#[test]
fn a_large_reversed_list_is_sorted() {
    let entries: Vec<(String, usize)> = (0..50_000).rev().map(|i| (format!("{i:06}"), i)).collect();
    let map = SortedMap::from_entries(entries);
    assert_eq!(map.len(), 50_000);
    assert_eq!(map.keys().next().map(String::as_str), Some("000000"));
    assert_eq!(map.get("049999"), Some(&49_999));
}
