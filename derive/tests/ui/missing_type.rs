#[derive(nlwire::AttrSet)]
struct Key {
    #[nla(u32)]
    in_port: Option<u32>,
}

fn main() {}
