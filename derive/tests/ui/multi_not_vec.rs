#[derive(nlwire::AttrSet)]
struct Dp {
    #[nla(type = 8, u32, multi)]
    pids: Option<u32>,
}

fn main() {}
