mod bad {
    nlwire::schema!(
        "../../../../schemas/tests-compile/tests/ui/ok_spec.yaml",
        list_sets = ["no-such-set"]
    );
}

mod unknown {
    nlwire::schema!("../../../../schemas/tests-compile/tests/ui/ok_spec.yaml", lists = []);
}

fn main() {}
