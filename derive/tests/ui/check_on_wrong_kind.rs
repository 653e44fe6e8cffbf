#[derive(nlwire::AttrSet)]
struct Dp {
    #[nla(type = 1, u32, max_len = 16)]
    features: Option<u32>,
    #[nla(type = 2, string, min = 1)]
    name: Option<String>,
}

fn main() {}
