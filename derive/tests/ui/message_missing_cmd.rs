#[derive(nlwire::AttrSet)]
struct Flow {
    #[nla(type = 4, u8)]
    tcp_flags: Option<u8>,
}

#[derive(nlwire::Message)]
struct FlowGet {
    #[nla(header)]
    header: nlwire::OvsHeader,
    #[nla(attrs)]
    flow: Flow,
}

fn main() {}
