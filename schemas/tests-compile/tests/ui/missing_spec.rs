mod missing {
    nlwire::schema!("no/such/spec.yaml");
}

fn main() {}
