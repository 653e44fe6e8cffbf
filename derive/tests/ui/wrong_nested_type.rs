#[derive(nlwire::AttrSet)]
struct Flow {
    #[nla(type = 1, fixed)]
    key: Option<String>,
}

fn main() {}
