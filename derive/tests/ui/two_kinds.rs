#[derive(nlwire::AttrSet)]
struct Key {
    #[nla(type = 3, u32, be32)]
    in_port: Option<u32>,
}

fn main() {}
