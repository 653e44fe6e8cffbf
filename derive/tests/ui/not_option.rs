#[derive(nlwire::AttrSet)]
struct Key {
    #[nla(type = 3, u32)]
    in_port: u32,
}

fn main() {}
