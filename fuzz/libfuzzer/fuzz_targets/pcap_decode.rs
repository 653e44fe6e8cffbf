#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| nlwire_fuzz::pcap_decode(data));
