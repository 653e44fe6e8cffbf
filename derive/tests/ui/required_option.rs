#[derive(nlwire::AttrSet)]
struct Key {
    #[nla(type = 3, u32, required)]
    in_port: Option<u32>,
}

fn main() {}
