fn main() {
    println!("cargo:rerun-if-changed=csrc");
    let mut b = cc::Build::new();
    b.file("csrc/mnl_ovs.c")
        .file("csrc/mnl_rt.c")
        .file("csrc/c_ovs.c")
        .opt_level(2)
        .flag_if_supported("-Wall")
        .flag_if_supported("-Wextra");
    b.compile("nlwire_bench_c");
    println!("cargo:rustc-link-lib=mnl");
}
