//! A map from strings to values kept in a vector sorted by key: the few operations the core needs
//! (lookups by binary search, iteration in key order), in far less code than `BTreeMap`, which
//! matters in a browser bundle.

use crate::prelude::*;
/// A map with `String` keys, iterated in key order.
#[derive(Debug, Clone, PartialEq)]
pub struct SortedMap<V> {
    entries: Vec<(String, V)>,
}

impl<V> Default for SortedMap<V> {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
        }
    }
}

impl<V> SortedMap<V> {
    /// A map of `entries` in any order; of repeated keys, the first is kept.
    pub fn from_entries(entries: Vec<(String, V)>) -> Self {
        let mut indexed: Vec<(usize, (String, V))> = entries.into_iter().enumerate().collect();
        heap_sort(&mut indexed, |(i, (a, _)), (j, (b, _))| (a, i) < (b, j));
        indexed.dedup_by(|(_, later), (_, earlier)| later.0 == earlier.0);
        Self {
            entries: indexed.into_iter().map(|(_, entry)| entry).collect(),
        }
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        self.entries.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&V> {
        let at = self.find(key).ok()?;
        self.entries.get(at).map(|(_, v)| v)
    }

    /// The value of `key`, to change.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        let at = self.find(key).ok()?;
        self.entries.get_mut(at).map(|(_, v)| v)
    }

    /// Whether `key` is there.
    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    /// Sets `key`; returns the value it replaced.
    pub fn insert(&mut self, key: String, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(at) => self
                .entries
                .get_mut(at)
                .map(|slot| core::mem::replace(&mut slot.1, value)),
            Err(at) => {
                self.entries.insert(at, (key, value));
                None
            }
        }
    }

    /// Removes `key`; returns its value.
    pub fn remove(&mut self, key: &str) -> Option<V> {
        let at = self.find(key).ok()?;
        Some(self.entries.remove(at).1)
    }

    /// How many entries there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Keeps the entries for which `keep(key, value)` is true.
    pub fn retain(&mut self, mut keep: impl FnMut(&String, &mut V) -> bool) {
        self.entries.retain_mut(|(k, v)| keep(k, v));
    }

    /// Keeps the first `len` entries in key order.
    pub fn truncate(&mut self, len: usize) {
        self.entries.truncate(len);
    }

    /// The keys and values in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &V)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// The keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The values in key order, to change.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.entries.iter_mut().map(|(_, v)| v)
    }
}

/// Sorts `items` by `less` with heapsort: O(n log n) even on a hostile member list, in far less
/// bundle code than the standard library's sorts (2 KB gzipped more here). Not stable; the caller
/// makes keys unique.
fn heap_sort<T>(items: &mut [T], less: impl Fn(&T, &T) -> bool) {
    // Whether the item at `a` sorts before the one at `b` (both are in bounds where it is used).
    let before = |items: &[T], a: usize, b: usize| match (items.get(a), items.get(b)) {
        (Some(x), Some(y)) => less(x, y),
        _ => false,
    };
    // Moves `root` down until neither child below `end` sorts after it.
    let sift_down = |items: &mut [T], mut root: usize, end: usize| loop {
        let mut child = 2 * root + 1;
        if child >= end {
            return;
        }
        if child + 1 < end && before(items, child, child + 1) {
            child += 1;
        }
        if !before(items, root, child) {
            return;
        }
        items.swap(root, child);
        root = child;
    };
    let len = items.len();
    for root in (0..len / 2).rev() {
        sift_down(items, root, len);
    }
    for end in (1..len).rev() {
        items.swap(0, end);
        sift_down(items, 0, end);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    //! Key order, replace, remove, and building from unordered entries with repeats.

    use super::SortedMap;
    use crate::prelude::*;

    #[test]
    fn keeps_keys_in_order_and_replaces_removes_and_retains() {
        let mut map = SortedMap::default();
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
        assert_eq!(map.len(), 1);
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

        use super::SortedMap;
        use crate::prelude::*;

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
        let entries: Vec<(String, usize)> =
            (0..50_000).rev().map(|i| (format!("{i:06}"), i)).collect();
        let map = SortedMap::from_entries(entries);
        assert_eq!(map.len(), 50_000);
        assert_eq!(map.keys().next().map(String::as_str), Some("000000"));
        assert_eq!(map.get("049999"), Some(&49_999));
    }
}
