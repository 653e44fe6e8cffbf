//! The OVS kernel datapath, dpif style.
pub mod attrs;
pub mod ct_limit;
pub mod dpctl;
mod dpif;
mod error;
pub mod flow;
mod meter;
pub mod odp;
mod packet;
mod vport;

pub use ct_limit::ZoneLimit;
pub use dpif::{
    DatapathInfo, Direction, Dispatch, Dpif, Families, Negotiation, OpenOptions, Trace, features,
};
pub use error::{Error, Result};
pub use flow::{FlowDump, FlowEntry, FlowId, FlowOp, FlowPut, PutMode};
pub use meter::DropBand;
pub use packet::{Execute, Upcall, UpcallKind, UpcallSocket};
pub use vport::{VportId, VportSpec};
