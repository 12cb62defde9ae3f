//! A process's resident memory and CPU time, read from `/proc` (Linux).

/// The clock ticks per second `/proc/PID/stat` counts CPU time in (`getconf CLK_TCK`, 100 on
/// every Linux this runs on).
const TICKS_PER_SECOND: u64 = 100;

/// The resident memory of process `pid` in KiB.
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
}

/// The CPU time process `pid` has used (user and system, all its threads) in milliseconds.
pub fn cpu_ms(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) is in parentheses and may hold spaces: count after it.
    let (_, after_name) = stat.rsplit_once(')')?;
    let mut fields = after_name.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some((user + system) * 1000 / TICKS_PER_SECOND)
}

/// Process `pid` and every process below it (a server that runs its work in child processes,
/// as Node's cluster does), from each process's parent in `/proc/PID/stat`.
pub fn tree(pid: u32) -> Vec<u32> {
    let parents: Vec<(u32, u32)> = std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|child| Some((child, parent(child)?)))
        .collect();
    let mut found = vec![pid];
    let mut at = 0;
    while let Some(&next) = found.get(at) {
        found.extend(parents.iter().filter(|(_, p)| *p == next).map(|(c, _)| *c));
        at += 1;
    }
    found
}

fn parent(pid: u32) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (_, after_name) = stat.rsplit_once(')')?;
    after_name.split_whitespace().nth(1)?.parse().ok()
}

/// How many files this process may have open (its soft limit), from `/proc/self/limits`.
pub fn open_files_limit() -> Option<u64> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    limits
        .lines()
        .find_map(|line| line.strip_prefix("Max open files"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|soft| soft.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_this_process() {
        let pid = std::process::id();
        assert!(rss_kib(pid).is_some_and(|kib| kib > 0));
        let before = cpu_ms(pid).unwrap_or(u64::MAX);
        // Busy for 300 ms of wall time: some of it is this process's CPU time.
        let start = std::time::Instant::now();
        let mut x = 0u64;
        while start.elapsed() < std::time::Duration::from_millis(300) {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(1));
        }
        let after = cpu_ms(pid).unwrap_or(0);
        assert!(after > before, "{before} -> {after}");
        assert!(open_files_limit().is_some_and(|n| n > 0));
    }

    #[test]
    fn a_tree_holds_the_children() {
        let mut child = std::process::Command::new("sleep")
            .arg("5")
            .spawn()
            .expect("sleep runs");
        let tree = tree(std::process::id());
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(tree.first(), Some(&std::process::id()));
        assert!(tree.contains(&child.id()), "{tree:?}");
    }
}
