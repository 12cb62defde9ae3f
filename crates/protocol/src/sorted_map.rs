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
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

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

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
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
