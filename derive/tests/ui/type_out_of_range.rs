#[derive(nlwire::AttrSet)]
struct Key {
    #[nla(type = 16384, u32)]
    in_port: Option<u32>,
}

fn main() {}
