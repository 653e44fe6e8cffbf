#[derive(nlwire::AttrSet)]
struct Key {
    in_port: Option<u32>,
}

fn main() {}
