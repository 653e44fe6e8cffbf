//! Meters (`ovs_meter`): features, set, get, delete.

use nlwire::AttrSet;

use super::attrs::{Band, Meter};
use super::dpif::Dpif;
use super::error::Result;
use super::request::OvsRequest;
use crate::ovs_meter::MeterBandType;
use crate::ovs_meter::msg::{DelRequest, FeaturesRequest, GetRequest, SetRequest};

/// One drop band: above `rate` (kbps, or packets per second), with a `burst` size.
///
/// ```
/// use nlwire_families::ovs::DropBand;
/// let b = DropBand { rate: 10_000, burst: 10_000 };
/// assert_eq!(b.rate, b.burst);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DropBand {
    /// Rate above which packets are dropped.
    pub rate: u32,
    /// Burst size (OVS uses the rate when none is configured).
    pub burst: u32,
}

impl Dpif {
    /// Sends an `R` for this datapath; the meter in the reply.
    fn meter_exchange<R: OvsRequest<Attrs = Meter>>(&mut self, attrs: Meter) -> Result<Meter> {
        self.exchange(&R::request(self.dp_ifindex, attrs))?;
        Ok(Meter::from_view(self.reply::<R>()?.1))
    }

    /// The meter features: `max_meters`, `max_bands`, and the band types in `bands`.
    ///
    /// ```no_run
    /// let mut dp = nlwire_families::ovs::Dpif::open("dp0")?;
    /// let f = dp.meter_features()?;
    /// println!("up to {:?} meters", f.max_meters);
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn meter_features(&mut self) -> Result<Meter> {
        self.meter_exchange::<FeaturesRequest>(Meter::default())
    }

    /// Creates or replaces meter `id` with drop bands.
    ///
    /// ```no_run
    /// use nlwire_families::ovs::{Dpif, DropBand};
    /// let mut dp = Dpif::open("dp0")?;
    /// dp.meter_set(1, true, &[DropBand { rate: 1000, burst: 1000 }])?;
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn meter_set(&mut self, id: u32, kbps: bool, bands: &[DropBand]) -> Result<Meter> {
        let attrs = Meter {
            id: Some(id),
            kbps,
            bands: Some(
                bands
                    .iter()
                    .map(|b| Band {
                        type_: Some(MeterBandType::DROP),
                        rate: Some(b.rate),
                        burst: Some(b.burst),
                        stats: None,
                    })
                    .collect(),
            ),
            ..Default::default()
        };
        self.meter_exchange::<SetRequest>(attrs)
    }

    /// Meter `id` with its statistics (and per-band statistics).
    ///
    /// ```no_run
    /// let mut dp = nlwire_families::ovs::Dpif::open("dp0")?;
    /// let m = dp.meter_get(1)?;
    /// println!("{:?}", m.stats);
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn meter_get(&mut self, id: u32) -> Result<Meter> {
        let attrs = Meter {
            id: Some(id),
            ..Default::default()
        };
        self.meter_exchange::<GetRequest>(attrs)
    }

    /// Deletes meter `id`; returns its last statistics.
    ///
    /// ```no_run
    /// let mut dp = nlwire_families::ovs::Dpif::open("dp0")?;
    /// dp.meter_del(1)?;
    /// # Ok::<(), nlwire_families::ovs::Error>(())
    /// ```
    pub fn meter_del(&mut self, id: u32) -> Result<Meter> {
        let attrs = Meter {
            id: Some(id),
            ..Default::default()
        };
        self.meter_exchange::<DelRequest>(attrs)
    }
}
