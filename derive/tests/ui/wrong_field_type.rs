#[derive(nlwire::AttrSet)]
struct Key {
    #[nla(type = 3, u32)]
    in_port: Option<String>,
}

fn main() {}
