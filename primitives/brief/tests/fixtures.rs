//! The extractor on real proposals: 40 of the dataset's dev split (half of them parameter
//! changes and treasury-funding requests), whose key figures were checked by hand
//! (`tests/fixtures/figures.json`, notices in `tests/fixtures/NOTICE.md`).

use daollm_brief::{figures, sentences, FigureKind};
use serde::Deserialize;

#[derive(Deserialize)]
struct Fixtures {
	proposals: Vec<Proposal>,
}

#[derive(Deserialize)]
struct Proposal {
	id: String,
	label: String,
	text: String,
	figures: Vec<Expected>,
}

#[derive(Deserialize, Debug, PartialEq)]
struct Expected {
	kind: String,
	text: String,
	start: u32,
	end: u32,
}

fn fixtures() -> Vec<Proposal> {
	let file = include_str!("fixtures/figures.json");
	serde_json::from_str::<Fixtures>(file).expect("figures.json parses").proposals
}

#[test]
fn the_extractor_finds_the_hand_checked_figures() {
	let proposals = fixtures();
	assert_eq!(proposals.len(), 40);
	let asking = proposals
		.iter()
		.filter(|p| p.label == "parameter-change" || p.label == "treasury-funding")
		.count();
	assert_eq!(asking, 20, "half of them ask to change a parameter or to pay");
	for proposal in &proposals {
		let found: Vec<Expected> = figures::extract(&proposal.text)
			.into_iter()
			.map(|f| Expected {
				kind: f.kind.name().into(),
				text: f.span.text(&proposal.text).expect("on char boundaries").into(),
				start: f.span.start,
				end: f.span.end,
			})
			.collect();
		assert_eq!(found, proposal.figures, "{}", proposal.id);
	}
}

#[test]
fn the_fixtures_hold_every_kind_of_figure() {
	let proposals = fixtures();
	for kind in FigureKind::ALL {
		let count = proposals
			.iter()
			.flat_map(|p| &p.figures)
			.filter(|f| FigureKind::from_name(&f.kind) == Some(kind))
			.count();
		assert!(count >= 3, "{count} {kind:?} figures");
	}
}

#[test]
fn every_sentence_of_a_real_proposal_is_prose() {
	for proposal in fixtures() {
		let spans = sentences::split(&proposal.text);
		assert!(!spans.is_empty(), "{} has sentences", proposal.id);
		for span in spans {
			let text = span.text(&proposal.text).expect("on char boundaries");
			assert!(text.len() >= sentences::MIN_SENTENCE_BYTES, "{}: {text:?}", proposal.id);
			assert!(!text.starts_with(['#', '|', ' ']), "{}: {text:?}", proposal.id);
			assert!(!text.contains("```"), "{}: {text:?}", proposal.id);
		}
	}
}
