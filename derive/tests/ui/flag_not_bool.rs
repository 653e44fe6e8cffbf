#[derive(nlwire::AttrSet)]
struct Flow {
    #[nla(type = 6, flag)]
    clear: Option<bool>,
}

fn main() {}
