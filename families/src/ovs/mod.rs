//! The OVS kernel datapath, dpif style: wire types ([`attrs`]), OVS's ODP text
//! ([`odp`]) and `ovs-dpctl` output parsing ([`dpctl`]). The socket API follows.

pub mod attrs;
pub mod dpctl;
pub mod odp;
