#[nlwire::wire(size = 5)]
pub struct OvsKeyTcp {
    #[be]
    pub tcp_src: u16,
    #[be]
    pub tcp_dst: u16,
}

fn main() {}
