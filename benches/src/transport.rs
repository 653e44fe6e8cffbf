//! Transport workload: CTRL_CMD_GETFAMILY("nlctrl") transactions with NLM_F_ACK against
//! the live kernel, one at a time and batched. Every client checks the reply carries
//! the family id and that every request got its ACK.

/// Transactions per measured run.
pub const TXNS: usize = 10_000;

pub mod neli_t {
    //! neli's `NlRouter::resolve_genl_family`: one GETFAMILY with ACK per call, through the
    //! router thread (neli has no batching API).
    use neli::consts::socket::NlFamily;
    use neli::router::synchronous::NlRouter;
    use neli::utils::Groups;

    pub struct Client {
        router: NlRouter,
    }

    impl Client {
        pub fn open() -> Self {
            let (router, _) = NlRouter::connect(NlFamily::Generic, Some(0), Groups::empty())
                .expect("neli connect");
            Client { router }
        }

        pub fn sequential(&mut self, n: usize) -> u64 {
            let mut acc = 0u64;
            for _ in 0..n {
                acc += self
                    .router
                    .resolve_genl_family("nlctrl")
                    .expect("neli resolve") as u64;
            }
            acc
        }
    }
}

pub mod sys_t {
    //! netlink-sys `Socket` + netlink-packet-generic `GenlCtrl`: serialise, `send`,
    //! `recv` into a reused buffer, `NetlinkMessage::deserialize`. Batched: N requests
    //! serialised back to back and sent in one `send` (what netlink-proto's
    //! `request_batch` does), then replies read until every ACK is in.
    use netlink_packet_core::{
        NLM_F_ACK, NLM_F_REQUEST, NetlinkHeader, NetlinkMessage, NetlinkPayload,
    };
    use netlink_packet_generic::GenlMessage;
    use netlink_packet_generic::ctrl::nlas::GenlCtrlAttrs;
    use netlink_packet_generic::ctrl::{GenlCtrl, GenlCtrlCmd};
    use netlink_sys::{Socket, SocketAddr, protocols::NETLINK_GENERIC};

    pub struct Client {
        sock: Socket,
        tx: Vec<u8>,
        rx: Vec<u8>,
        seq: u32,
    }

    impl Client {
        pub fn open() -> Self {
            let mut sock = Socket::new(NETLINK_GENERIC).expect("socket");
            sock.bind_auto().expect("bind");
            sock.connect(&SocketAddr::new(0, 0)).expect("connect");
            sock.set_ext_ack(true).ok();
            sock.set_cap_ack(true).ok();
            Client {
                sock,
                tx: Vec::new(),
                rx: Vec::with_capacity(64 * 1024),
                seq: 0,
            }
        }

        fn put_request(&mut self) {
            self.seq = self.seq.wrapping_add(1);
            let mut genl = GenlMessage::from_payload(GenlCtrl {
                cmd: GenlCtrlCmd::GetFamily,
                nlas: vec![GenlCtrlAttrs::FamilyName("nlctrl".to_owned())],
            });
            genl.finalize();
            let mut header = NetlinkHeader::default();
            header.flags = NLM_F_REQUEST | NLM_F_ACK;
            header.sequence_number = self.seq;
            let mut m = NetlinkMessage::new(header, NetlinkPayload::from(genl));
            m.finalize();
            let start = self.tx.len();
            self.tx.resize(start + m.buffer_len(), 0);
            m.serialize(&mut self.tx[start..]);
        }

        /// Reads replies until `acks` ACKs arrived; returns the sum of family ids seen.
        fn collect(&mut self, mut acks: usize) -> u64 {
            let mut acc = 0u64;
            while acks > 0 {
                self.rx.clear();
                let n = self.sock.recv(&mut self.rx, 0).expect("recv");
                let mut pos = 0;
                while pos < n {
                    let m = NetlinkMessage::<GenlMessage<GenlCtrl>>::deserialize(&self.rx[pos..n])
                        .expect("parse");
                    pos += (m.header.length as usize + 3) & !3;
                    match m.payload {
                        NetlinkPayload::InnerMessage(g) => {
                            for a in &g.payload.nlas {
                                if let GenlCtrlAttrs::FamilyId(id) = a {
                                    acc += *id as u64;
                                }
                            }
                        }
                        NetlinkPayload::Error(e) => {
                            assert!(e.code.is_none(), "kernel error {e:?}");
                            acks -= 1;
                        }
                        _ => {}
                    }
                }
            }
            acc
        }

        pub fn sequential(&mut self, n: usize) -> u64 {
            let mut acc = 0;
            for _ in 0..n {
                self.tx.clear();
                self.put_request();
                self.sock.send(&self.tx, 0).expect("send");
                acc += self.collect(1);
            }
            acc
        }

        pub fn batched(&mut self, n: usize, batch: usize) -> u64 {
            let mut acc = 0;
            let mut left = n;
            while left > 0 {
                let k = left.min(batch);
                self.tx.clear();
                for _ in 0..k {
                    self.put_request();
                }
                self.sock.send(&self.tx, 0).expect("send");
                acc += self.collect(k);
                left -= k;
            }
            acc
        }
    }
}

pub mod nlwire_t {
    //! `nlwire::sock`: `transact` one at a time, and `transact_multiple` over batches of
    //! reused `Transaction`s (one `sendmsg` per batch, replies matched by sequence).
    use nlwire::consts::{GENL_ID_CTRL, NETLINK_GENERIC, NLM_F_ACK, NLM_F_REQUEST};
    use nlwire::sock::{Socket, Transaction};
    use nlwire::{AttrIndex, MsgBuf};

    pub struct Client {
        sock: Socket,
        one: Transaction,
        batch: Vec<Transaction>,
    }

    fn build(b: &mut MsgBuf<'static>) {
        let m = b.start_genl_msg(GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK, 3, 2);
        b.put_attr_str(2, "nlctrl").unwrap();
        b.end_msg(m).unwrap();
    }

    fn family_id(t: &Transaction) -> u64 {
        let reply = t.result().expect("transaction");
        let m = reply.first().expect("a reply message");
        let (_, attrs) = m.genl().expect("genl");
        AttrIndex::<8>::parse(attrs)
            .unwrap()
            .require(1, "family-id")
            .unwrap()
            .get_u16()
            .unwrap() as u64
    }

    impl Client {
        pub fn open(batch: usize) -> Self {
            let sock = Socket::open(NETLINK_GENERIC).expect("socket");
            let batch = (0..batch).map(|_| Transaction::new()).collect();
            Client {
                sock,
                one: Transaction::new(),
                batch,
            }
        }

        pub fn sequential(&mut self, n: usize) -> u64 {
            let mut acc = 0;
            for _ in 0..n {
                self.one.clear();
                build(self.one.request_mut());
                self.sock.transact(&mut self.one).expect("transact");
                acc += family_id(&self.one);
            }
            acc
        }

        pub fn batched(&mut self, n: usize) -> u64 {
            let mut acc = 0;
            let mut left = n;
            while left > 0 {
                let k = left.min(self.batch.len());
                let txns = &mut self.batch[..k];
                for t in txns.iter_mut() {
                    t.clear();
                    build(t.request_mut());
                }
                self.sock
                    .transact_multiple(txns)
                    .expect("transact_multiple");
                for t in txns.iter() {
                    acc += family_id(t);
                }
                left -= k;
            }
            acc
        }
    }
}
