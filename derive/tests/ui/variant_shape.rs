#[derive(nlwire::AttrSet)]
enum Action {
    #[nla(type = 1, u32)]
    Output { port: u32 },
}

fn main() {}
