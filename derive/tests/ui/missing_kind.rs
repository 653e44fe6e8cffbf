#[derive(nlwire::AttrSet)]
struct Key {
    #[nla(type = 3)]
    in_port: Option<u32>,
}

fn main() {}
