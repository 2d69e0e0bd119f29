//! Each pallet's `Config`, one module per pallet, with the reason for every constant.

mod babe;
mod balances;
mod compute_nodes;
pub mod draws;
pub mod governance;
mod grandpa;
mod inference;
mod model_registry;
mod offchain;
mod proposals;
pub mod rewards;
pub mod session;
mod spaces;
mod sudo;
mod system;
mod timestamp;
mod training;
mod transaction_payment;

pub use babe::BABE_GENESIS_EPOCH_CONFIG;
pub use inference::{SHIPPED_MODEL_FEATURES, SHIPPED_MODEL_SHA256};
pub use model_registry::ANALYSIS_MODEL;
pub use offchain::tx_extension;
pub use proposals::{DefaultProposalParameters, LabelCount};
pub use system::{RuntimeBlockLength, RuntimeBlockWeights};
pub use training::{DefaultTrainingParameters, TrainingForgettingTolerance, TRAINING_RESEND_AFTER};
pub use transaction_payment::{TransactionByteFee, TreasuryAccount};
