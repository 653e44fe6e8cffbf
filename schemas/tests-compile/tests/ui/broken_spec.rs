// trybuild builds this from target/tests/trybuild/<crate>/, four levels below the
// workspace root: the path is relative to that manifest directory.
mod broken {
    nlwire::schema!("../../../../schemas/tests-compile/tests/ui/broken_spec.yaml");
}

fn main() {}
