#[derive(nlwire::SubMessage)]
enum Data {
    #[nla(value = "a")]
    A,
    #[nla(value = 2)]
    B,
}

fn main() {}
