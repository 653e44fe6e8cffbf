// A user type that is not a wire struct, used as `fixed`: the trait bound names the
// field's type.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NotWire {
    pub x: u32,
}

#[derive(nlwire::AttrSet)]
struct Flow {
    #[nla(type = 1, fixed)]
    key: Option<NotWire>,
}

fn main() {}
