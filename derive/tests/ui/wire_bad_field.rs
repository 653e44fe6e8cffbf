#[nlwire::wire]
pub struct Bad {
    pub ok: bool,
    #[be]
    pub byte: u8,
    pub len: usize,
}

fn main() {}
