//! The referendum tracks: who may decide what, how fast, with how much support.
//!
//! | id | track | origin | decides |
//! |---|---|---|---|
//! | 0 | `root` | `Root` | runtime upgrades (`system.authorizeUpgrade`), the committee's members |
//! | 1 | `whitelisted_caller` | [`Origin::WhitelistedCaller`] | calls the technical committee whitelisted (the fast track) |
//! | 2 | `models` | [`Origin::ModelRegistrar`] | registering and activating model versions, opening training rounds |
//! | 3 | `parameters` | [`Origin::ParameterSetter`] | every pallet's `set_parameters`, the challenge period |
//! | 4 | `spam` | [`Origin::SpamRemover`] | marking a proposal as spam |
//!
//! Which calls each track may carry is [`super::track_allows`]; which origin each pallet
//! accepts is in its `Config`.
//!
//! Public timing ([`TrackTiming::Public`]) follows Polkadot's reasoning at a DAO's scale:
//! `root` decides one referendum at a time, after two hours of preparation, with a day of
//! confirmation and a day before enactment, and its support falls from half of the issuance to
//! nothing over its fourteen days; a whitelisted call was vetted by the committee, so it needs
//! little support and ten minutes of confirmation; `models` and `parameters` take a week, with
//! three hours of confirmation, and parameter changes wait a day before they apply (model
//! activations already give operators `activation_delay` of notice); `spam` must finish inside a
//! proposal's spam window (a day: the proposals pallet's challenge period), so its preparation,
//! decision, confirmation and enactment add up to less. Decision deposits rise with what a track
//! can do. Approval falls from all of the votes to half of them over the decision period on
//! every track. Support falls to nothing on every track but `spam`, which keeps a floor of 1 %
//! of the active issuance: removing a proposal must never pass unopposed with a negligible aye
//! (and the record of a proposal whose label was verified is all `spam` can remove: its
//! training example outlives the spam window).
//!
//! Fast timing ([`TrackTiming::Fast`], the `development` and `local_testnet` presets) runs each
//! stage in one or two blocks and needs 5 % support at most, so that one endowed development
//! account decides a referendum in about ten blocks.

use alloc::borrow::Cow;
use pallet_referenda::{Curve, Track, TrackInfo};
use sp_runtime::Perbill;

use super::origins::{Origin, TrackTiming};
use crate::{Balance, BlockNumber, OriginCaller, RuntimeOrigin, DAYS, HOURS, MINUTES, UNIT};

/// A track's id.
pub type TrackId = u16;

/// The `root` track.
pub const ROOT: TrackId = 0;
/// The `whitelisted_caller` track.
pub const WHITELISTED_CALLER: TrackId = 1;
/// The `models` track.
pub const MODELS: TrackId = 2;
/// The `parameters` track.
pub const PARAMETERS: TrackId = 3;
/// The `spam` track.
pub const SPAM: TrackId = 4;

/// A track name, padded as `pallet-referenda` stores it.
const fn name(s: &str) -> [u8; 25] {
	let bytes = s.as_bytes();
	let mut out = [0u8; 25];
	let mut i = 0;
	while i < bytes.len() {
		out[i] = bytes[i];
		i += 1;
	}
	out
}

/// Approval falls linearly from `ceil` to `floor` over the whole decision period.
const fn linear(floor: u32, ceil: u32) -> Curve {
	Curve::LinearDecreasing {
		length: Perbill::from_percent(100),
		floor: Perbill::from_percent(floor),
		ceil: Perbill::from_percent(ceil),
	}
}

/// The periods and deposits of one track; the curves are the timing's.
struct Periods {
	max_deciding: u32,
	decision_deposit: Balance,
	prepare: BlockNumber,
	decision: BlockNumber,
	confirm: BlockNumber,
	min_enactment: BlockNumber,
	support_ceil: u32,
	/// The least support, in percent of the active issuance, the track ever accepts.
	support_floor: u32,
}

const fn track(id: TrackId, title: &str, p: Periods) -> Track<TrackId, Balance, BlockNumber> {
	Track {
		id,
		info: TrackInfo {
			name: name(title),
			max_deciding: p.max_deciding,
			decision_deposit: p.decision_deposit,
			prepare_period: p.prepare,
			decision_period: p.decision,
			confirm_period: p.confirm,
			min_enactment_period: p.min_enactment,
			min_approval: linear(50, 100),
			min_support: linear(p.support_floor, p.support_ceil),
		},
	}
}

/// The tracks of public networks.
pub static PUBLIC: [Track<TrackId, Balance, BlockNumber>; 5] = [
	track(
		ROOT,
		"root",
		Periods {
			max_deciding: 1,
			decision_deposit: 10_000 * UNIT,
			prepare: 2 * HOURS,
			decision: 14 * DAYS,
			confirm: DAYS,
			min_enactment: DAYS,
			support_ceil: 50,
			support_floor: 0,
		},
	),
	track(
		WHITELISTED_CALLER,
		"whitelisted_caller",
		Periods {
			max_deciding: 10,
			decision_deposit: 1_000 * UNIT,
			prepare: 30 * MINUTES,
			decision: 14 * DAYS,
			confirm: 10 * MINUTES,
			min_enactment: 10 * MINUTES,
			support_ceil: 1,
			support_floor: 0,
		},
	),
	track(
		MODELS,
		"models",
		Periods {
			max_deciding: 5,
			decision_deposit: 1_000 * UNIT,
			prepare: 2 * HOURS,
			decision: 7 * DAYS,
			confirm: 3 * HOURS,
			min_enactment: 10 * MINUTES,
			support_ceil: 10,
			support_floor: 0,
		},
	),
	track(
		PARAMETERS,
		"parameters",
		Periods {
			max_deciding: 10,
			decision_deposit: 500 * UNIT,
			prepare: 2 * HOURS,
			decision: 7 * DAYS,
			confirm: 3 * HOURS,
			min_enactment: DAYS,
			support_ceil: 10,
			support_floor: 0,
		},
	),
	track(
		SPAM,
		"spam",
		Periods {
			max_deciding: 20,
			decision_deposit: 10 * UNIT,
			prepare: 10 * MINUTES,
			decision: 20 * HOURS,
			confirm: HOURS,
			min_enactment: 1,
			support_ceil: 5,
			support_floor: 1,
		},
	),
];

/// The tracks of development and test networks.
pub static FAST: [Track<TrackId, Balance, BlockNumber>; 5] = {
	const fn fast(max_deciding: u32, decision_deposit: Balance) -> Periods {
		Periods {
			max_deciding,
			decision_deposit,
			prepare: 2,
			decision: 20,
			confirm: 2,
			min_enactment: 1,
			support_ceil: 5,
			support_floor: 0,
		}
	}
	[
		track(ROOT, "root", fast(1, 100 * UNIT)),
		track(WHITELISTED_CALLER, "whitelisted_caller", fast(10, 10 * UNIT)),
		track(MODELS, "models", fast(5, 10 * UNIT)),
		track(PARAMETERS, "parameters", fast(10, 10 * UNIT)),
		track(
			SPAM,
			"spam",
			Periods {
				max_deciding: 20,
				decision_deposit: UNIT,
				prepare: 1,
				decision: 4,
				confirm: 1,
				min_enactment: 1,
				support_ceil: 5,
				support_floor: 1,
			},
		),
	]
};

/// The tracks in force: [`PUBLIC`] or [`FAST`], as genesis chose.
pub struct TracksInfo;
impl pallet_referenda::TracksInfo<Balance, BlockNumber> for TracksInfo {
	type Id = TrackId;
	type RuntimeOrigin = <RuntimeOrigin as frame_support::traits::OriginTrait>::PalletsOrigin;

	fn tracks() -> impl Iterator<Item = Cow<'static, Track<Self::Id, Balance, BlockNumber>>> {
		let tracks: &'static [Track<TrackId, Balance, BlockNumber>; 5] =
			match super::origins::timing() {
				TrackTiming::Public => &PUBLIC,
				TrackTiming::Fast => &FAST,
			};
		tracks.iter().map(Cow::Borrowed)
	}

	fn track_for(origin: &Self::RuntimeOrigin) -> Result<Self::Id, ()> {
		match origin {
			OriginCaller::system(frame_system::RawOrigin::Root) => Ok(ROOT),
			OriginCaller::Origins(Origin::WhitelistedCaller) => Ok(WHITELISTED_CALLER),
			OriginCaller::Origins(Origin::ModelRegistrar) => Ok(MODELS),
			OriginCaller::Origins(Origin::ParameterSetter) => Ok(PARAMETERS),
			OriginCaller::Origins(Origin::SpamRemover) => Ok(SPAM),
			_ => Err(()),
		}
	}
}
