//! What std would otherwise provide to the npm bundle: an allocator, and a panic handler that
//! aborts without formatting a message (std's handler pulls in `core::fmt` for every panic
//! message, about a sixth of the bundle). No panic is reachable from the network, an auth answer
//! or the JavaScript API; this handler is for the unreachable case.

use lol_alloc::{AssumeSingleThreaded, FreeListAllocator};

// SAFETY: the bundle is built without atomics, so wasm has one thread.
#[global_allocator]
static ALLOCATOR: AssumeSingleThreaded<FreeListAllocator> =
    unsafe { AssumeSingleThreaded::new(FreeListAllocator::new()) };

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
