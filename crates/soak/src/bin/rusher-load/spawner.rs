//! Keeps the wanted number of visitors in the chat: signs new ones in (at most
//! [`RAMP_PER_SECOND`] a second, and at most [`MAX_JOINING`] at once) and sends visitors away at
//! random as people leave a chat ([`MEAN_STAY`]), whose places new visitors then take.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::Context;
use crate::plan::{MEAN_STAY, RAMP_PER_SECOND};
use crate::visitor;

/// How often the spawner looks.
const TICK: Duration = Duration::from_millis(100);
/// Visitors signing in or joining at once, at most: a server that cannot keep up slows the ramp
/// down instead of meeting an ever-growing crowd.
pub const MAX_JOINING: usize = 500;

/// Runs until `stop`, keeping `wanted` visitors in; every visitor task it started is in `tasks`.
pub async fn run(
    context: Arc<Context>,
    wanted: Arc<AtomicUsize>,
    stop: watch::Receiver<bool>,
    mut tasks: JoinSet<()>,
) -> JoinSet<()> {
    let mut ticks = tokio::time::interval(TICK);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut leave_due = 0.0;
    let mut next_id: u32 = 0;
    let mut stopped = stop.clone();
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            _ = stopped.changed() => return tasks,
        }
        while tasks.try_join_next().is_some() {}
        let in_chat = context.live.len();
        leave_due += in_chat as f64 * TICK.as_secs_f64() / MEAN_STAY.as_secs_f64();
        while leave_due >= 1.0 {
            leave_due -= 1.0;
            context.live.send_away(fastrand::usize(..));
        }
        let joining = context.joining.load(Ordering::SeqCst);
        let room = wanted
            .load(Ordering::SeqCst)
            .saturating_sub(context.live.len() + joining)
            .min(MAX_JOINING.saturating_sub(joining))
            .min(RAMP_PER_SECOND * TICK.as_millis() as usize / 1000);
        for _ in 0..room {
            context.joining.fetch_add(1, Ordering::SeqCst);
            let slot = context.live.take_slot();
            tasks.spawn(visitor::run(context.clone(), next_id, slot, stop.clone()));
            next_id += 1;
        }
    }
}
