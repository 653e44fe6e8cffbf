//! Conntrack zone limits (`ovs_ct_limit`): set, get, delete.

use super::attrs::{CtLimit, OvsZoneLimit};
use super::dpif::Dpif;
use super::error::Result;
use super::request::OvsRequest;
use crate::ovs_ct_limit::msg::{DelRequest, GetRequest, SetRequest};

/// `OVS_ZONE_LIMIT_DEFAULT_ZONE`: the limit of zones without one of their own.
///
/// ```
/// assert_eq!(nlwire_families::ovs::ct_limit::DEFAULT_ZONE, -1);
/// ```
pub const DEFAULT_ZONE: i32 = -1;

/// A zone's connection limit (`zone` -1 is the default), and in replies its count.
///
/// ```
/// use nlwire_families::ovs::{ZoneLimit, ct_limit::DEFAULT_ZONE};
/// let l = ZoneLimit { zone: DEFAULT_ZONE, limit: 1000, count: 0 };
/// assert_eq!(l.zone, -1);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ZoneLimit {
    /// The zone, or [`DEFAULT_ZONE`].
    pub zone: i32,
    /// Most connections; 0 is unlimited.
    pub limit: u32,
    /// Connections now (replies only).
    pub count: u32,
}

impl ZoneLimit {
    fn from_wire(z: &OvsZoneLimit) -> ZoneLimit {
        ZoneLimit {
            zone: z.zone_id.get(),
            limit: z.limit.get(),
            count: z.count.get(),
        }
    }
}

fn to_wire(z: &[ZoneLimit]) -> CtLimit {
    CtLimit {
        zone_limit: Some(
            z.iter()
                .map(|z| OvsZoneLimit {
                    zone_id: z.zone.into(),
                    limit: z.limit.into(),
                    count: z.count.into(),
                })
                .collect(),
        ),
    }
}

impl Dpif {
    /// Sends an `R`; the zone limits in the reply.
    fn ct_limit_exchange<R: OvsRequest<Attrs = CtLimit>>(
        &mut self,
        attrs: CtLimit,
    ) -> Result<Vec<ZoneLimit>> {
        // Not datapath-specific: dp_ifindex 0, as dpif-netlink sends.
        self.exchange(&R::request(0, attrs))?;
        let zones = self.reply::<R>()?.1.zone_limit.unwrap_or(&[]);
        Ok(zones.iter().map(ZoneLimit::from_wire).collect())
    }

    /// Sets zone limits (the default zone's with [`DEFAULT_ZONE`]).
    ///
    /// ```no_run
    /// use nlwire_families::ovs::{Dpif, ZoneLimit, ct_limit::DEFAULT_ZONE};
    /// let mut dp = Dpif::open("dp0")?;
    /// dp.ct_limit_set(&[ZoneLimit { zone: DEFAULT_ZONE, limit: 100, count: 0 }])?;
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn ct_limit_set(&mut self, limits: &[ZoneLimit]) -> Result<()> {
        self.ct_limit_exchange::<SetRequest>(to_wire(limits))
            .map(|_| ())
    }

    /// The limits and counts of `zones` (every zone with a limit, default first, when
    /// empty).
    ///
    /// ```no_run
    /// let mut dp = nlwire_families::ovs::Dpif::open("dp0")?;
    /// for z in dp.ct_limit_get(&[])? {
    ///     println!("zone {}: {} of {}", z.zone, z.count, z.limit);
    /// }
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn ct_limit_get(&mut self, zones: &[i32]) -> Result<Vec<ZoneLimit>> {
        let attrs = if zones.is_empty() {
            CtLimit::default()
        } else {
            let z: Vec<ZoneLimit> = zones
                .iter()
                .map(|z| ZoneLimit {
                    zone: *z,
                    ..Default::default()
                })
                .collect();
            to_wire(&z)
        };
        self.ct_limit_exchange::<GetRequest>(attrs)
    }

    /// Removes the limits of `zones` (they fall back to the default).
    ///
    /// ```no_run
    /// let mut dp = nlwire_families::ovs::Dpif::open("dp0")?;
    /// dp.ct_limit_del(&[5])?;
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn ct_limit_del(&mut self, zones: &[i32]) -> Result<()> {
        let z: Vec<ZoneLimit> = zones
            .iter()
            .map(|z| ZoneLimit {
                zone: *z,
                ..Default::default()
            })
            .collect();
        self.ct_limit_exchange::<DelRequest>(to_wire(&z))
            .map(|_| ())
    }
}
