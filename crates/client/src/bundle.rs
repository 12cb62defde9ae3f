//! What std would otherwise provide to the npm bundle: an allocator, and a panic handler that
//! aborts without formatting a message (std's handler pulls in `core::fmt` for every panic
//! message, about a sixth of the bundle). No panic is reachable from the network, an auth answer
//! or the JavaScript API; this handler is for the unreachable case.

#[global_allocator]
static ALLOCATOR: dlmalloc::GlobalDlmalloc = dlmalloc::GlobalDlmalloc;

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
