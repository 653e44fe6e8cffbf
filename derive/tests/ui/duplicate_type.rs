#[derive(nlwire::AttrSet)]
struct Key {
    #[nla(type = 3, u32)]
    in_port: Option<u32>,
    #[nla(type = 3, u32)]
    skb_mark: Option<u32>,
}

fn main() {}
