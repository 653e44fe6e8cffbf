//! Shared code of the nlwire benchmarks: workload data, and for every workload one
//! decoder/encoder per peer (nlwire, netlink-bindings, neli, rust-netlink, C libmnl),
//! all producing the same plain records so that results can be checked for equality.

pub mod ctrl;
pub mod link;
pub mod ovs;
pub mod rawsock;
pub mod routes;
pub mod transport;
pub mod workloads;
