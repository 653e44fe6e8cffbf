#[derive(nlwire::AttrSet)]
enum Action {
    #[nla(type = 1, u32)]
    Output(u32),
    #[nla(type = 1)]
    PopVlan,
}

fn main() {}
