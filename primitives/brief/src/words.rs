//! The words the summary and the signature count: a text's ASCII-alphanumeric runs of three or
//! more characters, lower-cased, that are not English function words ([`STOP_WORDS`]). Plain
//! byte rules, so that every node reads the same words.

/// `text`'s words, in order, repeats included.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
	text.split(|c: char| !c.is_ascii_alphanumeric())
		.filter(|w| w.len() >= 3)
		.map(|w| w.to_ascii_lowercase())
		.filter(|w| STOP_WORDS.binary_search(&w.as_str()).is_err())
}

/// English function words, sorted (for `binary_search`).
pub const STOP_WORDS: &[&str] = &[
	"about", "above", "after", "again", "all", "also", "although", "among", "and", "any", "are",
	"because", "been", "before", "being", "below", "between", "both", "but", "can", "could", "did",
	"does", "doing", "down", "during", "each", "either", "etc", "for", "from", "further", "had",
	"has", "have", "having", "her", "here", "hers", "him", "his", "how", "however", "into", "its",
	"itself", "just", "may", "might", "more", "most", "much", "must", "not", "now", "off", "once",
	"one", "only", "other", "our", "ours", "out", "over", "own", "same", "shall", "she", "should",
	"since", "some", "such", "than", "that", "the", "their", "theirs", "them", "then", "there",
	"these", "they", "this", "those", "through", "too", "under", "until", "upon", "very", "was",
	"way", "were", "what", "when", "where", "whether", "which", "while", "who", "whom", "why",
	"will", "with", "within", "without", "would", "yet", "you", "your", "yours",
];

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn stop_words_are_sorted() {
		assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
	}

	#[test]
	fn words_are_long_lower_cased_alphanumeric_runs_without_function_words() {
		let found: Vec<String> =
			words("Raise the ETH-A fee to 2% (was 1.5%) by 10bp, or so.").collect();
		assert_eq!(found, ["raise", "eth", "fee", "10bp"]);
	}
}
