//! The attribute used the way the tests use it. Run as root, `needs_root` runs; as another
//! user it is listed as `ignored, needs root ...` (unless built with NLWIRE_REQUIRE_ROOT=1,
//! then it fails).

#[nlwire_testkit::test(root)]
fn needs_root() {
    assert!(nlwire_testkit::is_root());
    let links = nlwire_testkit::netns::in_new_netns(|| {
        std::fs::read_dir("/sys/class/net")
            .map(|d| d.count())
            .unwrap_or(1)
    });
    assert!(links >= 1);
}

#[nlwire_testkit::test(root)]
fn netns_panics_pass_through() {
    let r = std::panic::catch_unwind(|| nlwire_testkit::netns::in_new_netns(|| panic!("inner")));
    let payload = r.unwrap_err();
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"inner"));
}

#[nlwire_testkit::test(root)]
fn a_result_returning_test() -> Result<(), String> {
    nlwire_testkit::netns::in_new_netns(|| Ok(()))
}

#[nlwire_testkit::test(kernel_specs)]
fn kernel_specs_dir_is_a_directory() {
    assert!(nlwire_testkit::kernel_specs_dir().is_dir());
}

#[test]
fn the_root_probe_agrees_with_the_runtime() {
    assert_eq!(
        nlwire_testkit::is_root(),
        nlwire_testkit::effective_uid() == Some(0)
    );
}

#[test]
#[should_panic(expected = "needs root")]
fn require_root_panics_when_not_root() {
    if nlwire_testkit::is_root() {
        panic!("(root here) needs root: nothing to check");
    }
    nlwire_testkit::require_root("this check");
}
