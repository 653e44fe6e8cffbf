#[derive(nlwire::AttrSet)]
struct Vlan {
    #[nla(type = 1, u16)]
    id: Option<u16>,
}

#[derive(nlwire::SubMessage)]
enum Data {
    #[nla(value = "vlan")]
    Vlan(Vlan),
}

#[derive(nlwire::AttrSet)]
struct LinkInfo {
    #[nla(type = 1, string)]
    kind: Option<String>,
    #[nla(type = 2, sub_message, selector = knid)]
    data: Option<Data>,
}

fn main() {}
