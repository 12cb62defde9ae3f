#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| rusher_fuzz::frames::run(data));
