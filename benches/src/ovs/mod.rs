//! The OVS flow workloads: model, generator, and one module per peer.

pub mod flowgen;
pub mod model;
pub mod wire_mnl;
pub mod wire_nb;
pub mod wire_neli;
pub mod wire_nlwire;
pub mod wire_rtnl;
pub mod wire_typed;
