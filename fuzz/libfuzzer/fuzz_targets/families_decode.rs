#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| nlwire_fuzz::families_decode(data));
