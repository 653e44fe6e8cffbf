#[derive(nlwire::AttrSet)]
struct Ctrl {
    #[nla(type = 2, string)]
    name: Option<String>,
}

#[derive(nlwire::Message)]
#[nla(cmd = 1, version = 2)]
struct NewFamily {
    #[nla(attrs)]
    attrs: Ctrl,
}

#[derive(nlwire::Message)]
#[nla(cmd = 3, version = 2, reply = NewFamily)]
struct GetFamily {
    #[nla(attrs)]
    attrs: Ctrl,
}

fn main() {}
